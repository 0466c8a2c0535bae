package dev.fairway.cache.semantic;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The words that change an answer while hardly moving a sentence embedding: numbers (and currency
 * and percent signs), negation, dates (months, weekdays, relative days) and names (capitalised
 * words inside a sentence, acronyms). "Refund 30 days" and "refund 60 days" are about 0.97 similar
 * to MiniLM, "cancel" and "don't cancel" about 0.9. Two questions can only match when their
 * signatures are equal: the signature is part of the exact key, so the vector search never even
 * sees a candidate that differs in one of these. It costs recall (a paraphrase that spells "2" as
 * "two dozen") and never precision. docs/semantic-cache.md lists the rules.
 */
public final class Guard {
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+(?:['’][\\p{L}]+)*");
    private static final Pattern DIGITS = Pattern.compile("\\d+");
    private static final Pattern SENTENCE_END = Pattern.compile("[.!?¿¡:;\\n]");
    private static final Pattern CURRENCY = Pattern.compile("[$€£¥%]");

    private static final Set<String> NEGATION = Set.of(
            "no", "not", "never", "none", "nothing", "nobody", "nowhere", "neither", "nor", "without", "cannot",
            "dont", "doesnt", "didnt", "cant", "wont", "isnt", "arent", "wasnt", "werent", "shouldnt", "wouldnt",
            "couldnt", "havent", "hasnt", "hadnt", "mustnt", "neednt",
            "ne", "pas", "jamais", "sans", "aucun", "aucune", "personne", "rien",
            "nunca", "sin", "ningún", "ningun", "ninguna", "ninguno", "nada", "tampoco",
            "nicht", "kein", "keine", "keinen", "keinem", "keiner", "keines", "nie", "niemals", "ohne", "nichts");

    /** Number words, mapped to digits so "two" and "2" agree; articles that also mean "one" are left out. */
    private static final Map<String, String> NUMBER_WORDS = Map.ofEntries(
            Map.entry("zero", "0"), Map.entry("two", "2"), Map.entry("three", "3"), Map.entry("four", "4"),
            Map.entry("five", "5"), Map.entry("six", "6"), Map.entry("seven", "7"), Map.entry("eight", "8"),
            Map.entry("nine", "9"), Map.entry("ten", "10"), Map.entry("eleven", "11"), Map.entry("twelve", "12"),
            Map.entry("twenty", "20"), Map.entry("thirty", "30"), Map.entry("hundred", "100"), Map.entry("thousand", "1000"),
            Map.entry("deux", "2"), Map.entry("trois", "3"), Map.entry("quatre", "4"), Map.entry("cinq", "5"), Map.entry("dix", "10"),
            Map.entry("dos", "2"), Map.entry("tres", "3"), Map.entry("cuatro", "4"), Map.entry("cinco", "5"), Map.entry("diez", "10"),
            Map.entry("zwei", "2"), Map.entry("drei", "3"), Map.entry("vier", "4"), Map.entry("fünf", "5"), Map.entry("zehn", "10"));

    /** Months, weekdays and relative days of the four languages the evaluation covers, by meaning. */
    private static final Map<String, String> DATE_WORDS = dates();

    private Guard() {}

    /** The signature of {@code text}: equal for two questions that may share an answer. */
    public static String signature(String text) {
        String s = Normalizer.normalize(text, Normalizer.Form.NFKC);
        TreeSet<String> numbers = new TreeSet<>();
        TreeSet<String> dates = new TreeSet<>();
        TreeSet<String> names = new TreeSet<>();
        boolean negated = false;
        Matcher digits = DIGITS.matcher(s);
        while (digits.find()) {
            numbers.add(stripZeros(digits.group()));
        }
        Matcher currency = CURRENCY.matcher(s);
        while (currency.find()) {
            numbers.add(currency.group());
        }
        Matcher words = WORD.matcher(s);
        Matcher ends = SENTENCE_END.matcher(s);
        int previousEnd = -1;
        while (words.find()) {
            String raw = words.group();
            String w = raw.toLowerCase(Locale.ROOT).replace('’', '\'');
            boolean first = previousEnd < 0 || ends.region(previousEnd, words.start()).find();
            previousEnd = words.end();
            if (w.endsWith("n't") || NEGATION.contains(w.replace("'", "")) || w.startsWith("n'")) {
                negated = true;
            }
            String number = NUMBER_WORDS.get(w);
            if (number != null) {
                numbers.add(number);
            }
            String date = DATE_WORDS.get(w);
            if (date != null) {
                dates.add(date);
            } else if (isName(raw, first)) {
                names.add(w);
            }
        }
        return "n=" + String.join(",", numbers) + "|x=" + negated + "|d=" + String.join(",", dates) + "|e=" + String.join(",", names);
    }

    /** German's polite "you" is written with a capital inside a sentence: a pronoun, not a name. */
    private static final Set<String> POLITE_PRONOUNS = Set.of("Sie", "Ihr", "Ihre", "Ihren", "Ihrem", "Ihrer", "Ihres", "Ihnen");

    /** A capitalised word inside a sentence, or a word with a capital after its first letter (an acronym, a product). */
    private static boolean isName(String raw, boolean sentenceStart) {
        if (raw.length() < 2 || !Character.isLetter(raw.charAt(0)) || raw.startsWith("I'") || raw.startsWith("I’")
                || POLITE_PRONOUNS.contains(raw)) {
            return false;
        }
        for (int i = 1; i < raw.length(); i++) {
            if (Character.isUpperCase(raw.charAt(i))) {
                return true;
            }
        }
        return !sentenceStart && Character.isUpperCase(raw.charAt(0));
    }

    private static String stripZeros(String digits) {
        int i = 0;
        while (i < digits.length() - 1 && digits.charAt(i) == '0') {
            i++;
        }
        return digits.substring(i);
    }

    private static Map<String, String> dates() {
        String[][] groups = {
                {"m1", "january", "jan", "janvier", "enero", "januar"},
                {"m2", "february", "feb", "février", "fevrier", "febrero", "februar"},
                {"m3", "march", "mars", "marzo", "märz"},
                {"m4", "april", "apr", "avril", "abril"},
                {"m5", "mai", "mayo"},
                {"m6", "june", "jun", "juin", "junio", "juni"},
                {"m7", "july", "jul", "juillet", "julio", "juli"},
                {"m8", "august", "aug", "août", "aout", "agosto"},
                {"m9", "september", "sep", "sept", "septembre", "septiembre"},
                {"m10", "october", "oct", "octobre", "octubre", "oktober"},
                {"m11", "november", "nov", "novembre", "noviembre"},
                {"m12", "december", "dec", "décembre", "decembre", "diciembre", "dezember"},
                {"w1", "monday", "lundi", "lunes", "montag"},
                {"w2", "tuesday", "mardi", "martes", "dienstag"},
                {"w3", "wednesday", "mercredi", "miércoles", "miercoles", "mittwoch"},
                {"w4", "thursday", "jeudi", "jueves", "donnerstag"},
                {"w5", "friday", "vendredi", "viernes", "freitag"},
                {"w6", "saturday", "samedi", "sábado", "sabado", "samstag"},
                {"w7", "sunday", "dimanche", "domingo", "sonntag"},
                {"today", "today", "tonight", "aujourd'hui", "hoy", "heute"},
                {"tomorrow", "tomorrow", "demain", "mañana", "morgen"},
                {"yesterday", "yesterday", "hier", "ayer", "gestern"},
                {"weekend", "weekend", "week-end"},
                {"morning", "morning", "matin"},
                {"evening", "evening", "soir", "noche", "abend"},
        };
        java.util.HashMap<String, String> m = new java.util.HashMap<>();
        for (String[] g : groups) {
            for (int i = 1; i < g.length; i++) {
                m.put(g[i], g[0]);
            }
        }
        return Map.copyOf(m);
    }
}
