package dev.fairway.guardrail;

import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built-in detectors. Each finds candidates with a bounded pattern (no nested or unbounded
 * quantifiers, so scanning stays linear) and, where the identifier has one, confirms the check digit:
 * most digit runs that look like an IBAN, a card or an AHV number fail it.
 */
enum BuiltInDetector implements Finder {
    EMAIL("email", 537) {
        private static final Pattern P = Pattern.compile(
                "(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\\.[A-Za-z0-9-]{1,63}){0,6}\\.[A-Za-z]{2,24}(?![A-Za-z0-9-])");

        @Override
        public boolean find(CharSequence text) {
            return indexOf(text, '@') >= 0 && P.matcher(text).find();
        }
    },
    PHONE("phone", 26) {
        // International (+41 44 668 18 00, 0041 44 ...), North American ((555) 123-4567) and Swiss
        // national (044 668 18 00) forms. Bare digit runs are not phone numbers here: too many IDs look alike.
        private static final Pattern INTERNATIONAL = Pattern.compile("(?<![A-Za-z0-9+])(?:\\+|00)[1-9][0-9 ().\\-]{6,22}[0-9](?![0-9])");
        private static final Pattern NATIONAL = Pattern.compile(
                "(?<![0-9])(?:\\([2-9][0-9]{2}\\) ?[0-9]{3}-[0-9]{4}|0[1-9][0-9] [0-9]{3} [0-9]{2} [0-9]{2})(?![0-9])");

        @Override
        public boolean find(CharSequence text) {
            Matcher m = INTERNATIONAL.matcher(text);
            while (m.find()) {
                int digits = countDigits(text, m.start(), m.end());
                if (text.charAt(m.start()) == '0') {
                    digits -= 2; // the 00 international prefix
                }
                if (digits >= 8 && digits <= 15) {
                    return true;
                }
            }
            return NATIONAL.matcher(text).find();
        }
    },
    IBAN("iban", 64) {
        private static final Pattern START = Pattern.compile("(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}(?=[ ]?[A-Z0-9])");

        @Override
        public boolean find(CharSequence text) {
            Matcher m = START.matcher(text);
            while (m.find()) {
                Integer length = Checksums.IBAN_LENGTHS.get(text.subSequence(m.start(), m.start() + 2).toString());
                if (length != null) {
                    String compact = compactIban(text, m.start(), length);
                    if (compact != null && Checksums.ibanValid(compact)) {
                        return true;
                    }
                }
            }
            return false;
        }
    },
    CREDIT_CARD("credit_card", 37) {
        private static final Pattern P = Pattern.compile("(?<![0-9])[3-6](?:[ -]?[0-9]){12,18}(?![0-9])");

        @Override
        public boolean find(CharSequence text) {
            return anyChecked(P, text, Checksums::luhnValid);
        }
    },
    SWISS_AHV("swiss_ahv", 16) {
        private static final Pattern P = Pattern.compile("(?<![0-9])756\\.?[0-9]{4}\\.?[0-9]{4}\\.?[0-9]{2}(?![0-9])");

        @Override
        public boolean find(CharSequence text) {
            return anyChecked(P, text, Checksums::ean13Valid);
        }
    };

    private final String configName;
    private final int maxSpan;

    /**
     * @param longestMatch the most characters one match can span, from its pattern's bounds (an email:
     *     64 + 1 + 63 + 6 x 64 + 1 + 24; an IBAN: 34 characters and up to 30 single spaces)
     */
    BuiltInDetector(String configName, int longestMatch) {
        this.configName = configName;
        // One character either side: the patterns look at it to find where an identifier ends.
        this.maxSpan = longestMatch + 2;
    }

    /** The most characters of text a finding can depend on: what a checked stream holds back. */
    int maxSpan() {
        return maxSpan;
    }

    /** The name written in config and reported in findings. */
    String configName() {
        return configName;
    }

    static BuiltInDetector byName(String name) {
        for (BuiltInDetector d : values()) {
            if (d.configName.equals(name)) {
                return d;
            }
        }
        return null;
    }

    static String names() {
        return String.join(", ", Arrays.stream(values()).map(BuiltInDetector::configName).toList());
    }

    private static int indexOf(CharSequence text, char c) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }

    private static int countDigits(CharSequence text, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                n++;
            }
        }
        return n;
    }

    private static String digitsOf(CharSequence text, int from, int to) {
        StringBuilder sb = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /**
     * The {@code length} characters of an IBAN starting at {@code from}, written compact or in groups
     * separated by single spaces, or null when the text there is not shaped like one. The IBAN must
     * end at a word boundary, so a longer code that starts like an IBAN does not count.
     */
    private static String compactIban(CharSequence text, int from, int length) {
        StringBuilder sb = new StringBuilder(length);
        int i = from;
        while (sb.length() < length && i < text.length()) {
            char c = text.charAt(i);
            if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
                sb.append(c);
                i++;
            } else if (c == ' ' && i > from && text.charAt(i - 1) != ' ' && sb.length() >= 4) {
                i++;
            } else {
                return null;
            }
        }
        if (sb.length() < length) {
            return null;
        }
        if (i < text.length() && Character.isLetterOrDigit(text.charAt(i))) {
            return null;
        }
        return sb.toString();
    }

    /** Whether a match of {@code p} has digits that pass {@code valid}: a shape alone is not enough. */
    private static boolean anyChecked(Pattern p, CharSequence text, java.util.function.Predicate<String> valid) {
        Matcher m = p.matcher(text);
        while (m.find()) {
            if (valid.test(digitsOf(text, m.start(), m.end()))) {
                return true;
            }
        }
        return false;
    }
}
