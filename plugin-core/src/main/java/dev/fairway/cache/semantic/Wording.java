package dev.fairway.cache.semantic;

import java.text.Normalizer;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The content words of a question, for the one-slot rule: two questions built on the same frame
 * with one word swapped ("is breakfast included" / "is parking included", "how do I import" /
 * "how do I export", "check-in" / "check-out") are different questions, however close their
 * embeddings (often above 0.9); a paraphrase rewords the frame or only adds words. So a candidate
 * whose content words differ from the question's on both sides by at most one word each is not a
 * match. Words are kept as hashes of a light stem, never as text: the index on disk holds no
 * question's words.
 */
public final class Wording {
    /** A word, hyphenated compounds ("carry-on", "check-in") kept whole; an elided article ("l'", "d'") is a word of its own. */
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+(?:-[\\p{L}\\p{N}]+)*['’]?");

    /** Words that frame a question (asking, politeness, pronouns, articles), in the evaluated languages. */
    private static final Set<String> FRAME = Set.copyOf(java.util.List.of(
            "how", "what", "where", "when", "why", "which", "who", "whom", "can", "could", "do", "does", "did", "is", "are",
            "was", "were", "be", "been", "am", "will", "would", "should", "shall", "may", "might", "must", "i", "me", "my",
            "mine", "you", "your", "we", "our", "us", "it", "its", "this", "that", "these", "those", "the", "a", "an", "to",
            "of", "for", "with", "at", "by", "from", "and", "or", "if", "so", "any", "some", "there", "here", "please", "hi",
            "hello", "hey", "thanks", "want", "wish", "like", "need", "possible", "way", "able", "tell", "know", "help", "s", "t",
            "le", "la", "les", "un", "une", "des", "du", "de", "je", "mon", "ma", "mes", "vous", "votre", "vos",
            "est", "il", "elle", "ce", "qu", "que", "quel", "quelle", "comment", "où", "puis", "peux", "pouvez", "et", "ou", "à", "au",
            "el", "los", "las", "una", "unos", "mi", "mis", "su", "sus", "es", "está", "cómo", "dónde", "cuál", "qué", "puedo",
            "se", "por", "para", "y", "o", "en", "lo", "me", "te",
            "der", "die", "das", "den", "dem", "ein", "eine", "einen", "ich", "mein", "meine", "meinen", "sie", "ist", "wie",
            "wo", "was", "kann", "können", "und", "oder", "zu", "mit", "es",
            // Light verbs: they frame the request ("get a refund", "request a refund") more than they change it.
            "get", "have", "has", "make", "take", "put", "go", "find", "see", "view", "use", "request", "obtain", "give",
            "set", "ask", "let", "keep", "happen"));

    /** Plain synonyms of support questions, each mapped to one word: a swap between them is a paraphrase, not another slot. */
    private static final Map<String, String> SYNONYMS = synonyms(
            // The English groups with their French, Spanish and German words; a word is looked up as
            // written, then stemmed, then as its root().
            "change update modify edit alter changer modifier cambiar modificar ändern",
            "book booking reservation reserve réserver reservar buchen",
            "delete remove erase supprimer effacer eliminar borrar elimino borro löschen entfernen",
            "cancel terminate annuler résilier cancelar anular stornieren",
            "buy purchase acheter comprar kaufen",
            "price cost prix precio preis",
            "ship shipping deliver delivery livrer livraison enviar envío versand liefern lieferung",
            "allow permit",
            "child kid",
            "package parcel colis paquete paket",
            "item product produit producto produkt",
            "reply respond response answer réponse respuesta antwort");

    private Wording() {}

    /** The sorted hashes of {@code text}'s content words (framing words left out, light English stemming). */
    public static int[] of(String text) {
        String s = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        TreeSet<Integer> words = new TreeSet<>();
        Matcher m = WORD.matcher(s);
        while (m.find()) {
            String w = m.group();
            boolean elided = w.endsWith("'") || w.endsWith("’");
            if (elided) {
                // French and Italian elision (l', d', qu'): a framing article, whereas a lone "L" is a size.
                w = w.substring(0, w.length() - 1);
                if (FRAME.contains(w) || w.length() == 1) {
                    continue;
                }
            } else if (w.length() == 1 && !FRAME.contains(w)) {
                // A lone letter that frames nothing ("size M") is content; "a" and "I" stay framing words.
                words.add(w.hashCode());
                continue;
            }
            if (!FRAME.contains(w)) {
                words.add(canonical(w).hashCode());
            }
        }
        return words.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Whether {@code a} and {@code b} are one frame with (at most) one word swapped each way: not the same question. */
    public static boolean oneSlotApart(int[] a, int[] b) {
        int onlyA = 0;
        int onlyB = 0;
        for (int x : a) {
            if (Arrays.binarySearch(b, x) < 0) {
                onlyA++;
            }
        }
        for (int x : b) {
            if (Arrays.binarySearch(a, x) < 0) {
                onlyB++;
            }
        }
        return onlyA >= 1 && onlyB >= 1 && onlyA <= 1 && onlyB <= 1;
    }

    /** The word its synonym group stands for, or its root. */
    private static String canonical(String w) {
        String synonym = SYNONYMS.get(w);
        if (synonym == null) {
            synonym = SYNONYMS.get(stem(w));
        }
        String root = root(w);
        return synonym != null ? synonym : SYNONYMS.getOrDefault(root, root);
    }

    private static Map<String, String> synonyms(String... groups) {
        java.util.HashMap<String, String> m = new java.util.HashMap<>();
        for (String g : groups) {
            String[] words = g.split(" ");
            for (String w : words) {
                // Every form of a group word (as written, stemmed, its root) leads to the group.
                m.put(w, words[0]);
                m.put(stem(w), words[0]);
                m.put(root(w), words[0]);
            }
        }
        return Map.copyOf(m);
    }

    static String stem(String w) {
        int n = w.length();
        if (n > 4 && w.endsWith("ies")) {
            return w.substring(0, n - 3) + "y";
        }
        if (n > 5 && w.endsWith("ing")) {
            return w.substring(0, n - 3);
        }
        if (n > 4 && w.endsWith("ed")) {
            return w.substring(0, n - 2);
        }
        if (n > 4 && (w.endsWith("ses") || w.endsWith("xes") || w.endsWith("ches") || w.endsWith("shes"))) {
            return w.substring(0, n - 2);
        }
        if (n > 3 && w.endsWith("s") && !w.endsWith("ss")) {
            return w.substring(0, n - 1);
        }
        return w;
    }

    /**
     * {@link #stem}, then a final "en", "e" or "n" off words of five letters or more: German and
     * French verb forms ("lösche" / "löschen", "ändere" / "ändern", "change" / "changed") meet on
     * one stem, so an inflected paraphrase is not taken for a swapped slot. Hyphenated compounds
     * stay whole ("check-in" / "check-out" must stay two words).
     */
    static String root(String w) {
        String s = stem(w);
        int n = s.length();
        if (n < 5 || s.indexOf('-') >= 0) {
            return s;
        }
        if (s.endsWith("en")) {
            return s.substring(0, n - 2);
        }
        if (s.endsWith("e") || s.endsWith("n")) {
            return s.substring(0, n - 1);
        }
        return s;
    }
}
