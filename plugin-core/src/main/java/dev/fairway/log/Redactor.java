package dev.fairway.log;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces personal data in payloads before they are written: e-mail addresses, phone numbers,
 * IBANs (mod-97 checked), payment card numbers (Luhn checked) and Swiss AHV numbers. Runs on the
 * log writer thread, never on the request path. Checksums keep ordinary numbers (ids, token counts)
 * from being mistaken for cards or IBANs.
 */
final class Redactor {
    private record Rule(String name, Pattern pattern, Predicate<String> check) {}

    // Order matters: the specific number formats go before the looser phone pattern.
    private static final List<Rule> ALL = List.of(
            new Rule("ahv", Pattern.compile("(?<![\\d.])756[.\\s]?\\d{4}[.\\s]?\\d{4}[.\\s]?\\d{2}(?![\\d.])"), s -> true),
            new Rule("iban", Pattern.compile("\\b[A-Z]{2}\\d{2}(?: ?[A-Z0-9]){11,30}\\b"), Redactor::ibanValid),
            new Rule("card", Pattern.compile("(?<!\\d)\\d(?:[ -]?\\d){12,18}(?!\\d)"), Redactor::luhnValid),
            new Rule("email", Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}"), s -> true),
            new Rule("phone", Pattern.compile(
                    "(?<![\\w+])(?:(?:\\+|00)\\d{1,3}[ .-]?(?:\\(0\\)[ .-]?)?\\d{1,4}(?:[ .-]?\\d{2,4}){2,4}"
                    + "|\\(?0\\d{1,3}\\)?[ .-]?\\d{3}[ .-]?\\d{2}[ .-]?\\d{2,3})(?![\\w])"), s -> true));

    private final List<Rule> rules;

    private Redactor(List<Rule> rules) {
        this.rules = rules;
    }

    static final Redactor NONE = new Redactor(List.of());

    static Redactor of(Set<String> names) {
        if (names.isEmpty()) {
            return NONE;
        }
        List<Rule> chosen = new ArrayList<>();
        for (Rule r : ALL) {
            if (names.contains(r.name())) {
                chosen.add(r);
            }
        }
        return new Redactor(List.copyOf(chosen));
    }

    String apply(String text) {
        String out = text;
        for (Rule rule : rules) {
            Matcher m = rule.pattern().matcher(out);
            StringBuilder sb = null;
            int last = 0;
            while (m.find()) {
                if (!rule.check().test(m.group())) {
                    continue;
                }
                if (sb == null) {
                    sb = new StringBuilder(out.length());
                }
                sb.append(out, last, m.start()).append("[redacted:").append(rule.name()).append(']');
                last = m.end();
            }
            if (sb != null) {
                out = sb.append(out, last, out.length()).toString();
            }
        }
        return out;
    }

    static boolean luhnValid(String candidate) {
        int sum = 0;
        int digits = 0;
        boolean dbl = false;
        for (int i = candidate.length() - 1; i >= 0; i--) {
            char c = candidate.charAt(i);
            if (c < '0' || c > '9') {
                continue;
            }
            int d = c - '0';
            if (dbl) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            dbl = !dbl;
            digits++;
        }
        return digits >= 13 && digits <= 19 && sum % 10 == 0;
    }

    static boolean ibanValid(String candidate) {
        String s = candidate.replace(" ", "");
        if (s.length() < 15 || s.length() > 34) {
            return false;
        }
        String rearranged = s.substring(4) + s.substring(0, 4);
        int mod = 0;
        for (int i = 0; i < rearranged.length(); i++) {
            char c = rearranged.charAt(i);
            int v = Character.isDigit(c) ? c - '0' : Character.isLetter(c) ? c - 'A' + 10 : -1;
            if (v < 0) {
                return false;
            }
            mod = v >= 10 ? (mod * 100 + v) % 97 : (mod * 10 + v) % 97;
        }
        return mod == 1;
    }
}
