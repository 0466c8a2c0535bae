package dev.fairway.pii;

import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kinds of personal data the gateway recognizes, one definition for everything that looks for
 * them: the guardrail (does a request or answer hold any?) and the log redactor (where, to replace
 * it). Each finds candidates with a bounded pattern (no nested or unbounded quantifiers, so scanning
 * stays linear) and, where the identifier has one, confirms the check digit: most digit runs that
 * look like an IBAN, a card or an AHV number fail it. Bare digit runs are never phone numbers: too
 * many ids and counts look alike.
 */
public enum Pii {
    EMAIL(537) {
        private static final Pattern P = Pattern.compile(
                "(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\\.[A-Za-z0-9-]{1,63}){0,6}\\.[A-Za-z]{2,24}(?![A-Za-z0-9-])");

        @Override
        public Span next(CharSequence text, int from) {
            if (indexOf(text, '@', from) < 0) {
                return null;
            }
            Matcher m = P.matcher(text);
            return m.find(from) ? new Span(m.start(), m.end()) : null;
        }
    },
    PHONE(26) {
        // International (+41 44 668 18 00, 0041 44 ..., +41 (0)44 ..., +1 (555) 123-4567), North American
        // ((555) 123-4567) and European national (044 668 18 00, 044-668-18-00, (030) 123 45 678) forms.
        private static final Pattern INTERNATIONAL = Pattern.compile("(?<![A-Za-z0-9+])(?:\\+|00)[1-9][0-9 ().\\-]{6,22}[0-9](?![0-9])");
        private static final Pattern NATIONAL = Pattern.compile(
                "(?<![0-9])(?:\\([2-9][0-9]{2}\\) ?[0-9]{3}-[0-9]{4}"
                + "|\\(?0[1-9][0-9]{1,2}\\)?[ .\\-][0-9]{3}[ .\\-][0-9]{2}[ .\\-][0-9]{2,3})(?![0-9])");

        @Override
        public Span next(CharSequence text, int from) {
            return first(international(INTERNATIONAL.matcher(text), text, from), national(NATIONAL.matcher(text), from));
        }

        // Two patterns: each keeps its own matcher moving forward, so many numbers of one form do not
        // make the other form's search start over each time.
        @Override
        public void forEach(CharSequence text, Consumer<Span> each) {
            Matcher i = INTERNATIONAL.matcher(text);
            Matcher n = NATIONAL.matcher(text);
            Span a = international(i, text, 0);
            Span b = national(n, 0);
            for (Span s = first(a, b); s != null; s = first(a, b)) {
                each.accept(s);
                if (a != null && a.start() < s.end()) {
                    a = international(i, text, s.end());
                }
                if (b != null && b.start() < s.end()) {
                    b = national(n, s.end());
                }
            }
        }

        private static Span international(Matcher m, CharSequence text, int from) {
            for (boolean found = m.find(from); found; found = m.find()) {
                int digits = countDigits(text, m.start(), m.end());
                if (text.charAt(m.start()) == '0') {
                    digits -= 2; // the 00 international prefix
                }
                if (digits >= 8 && digits <= 15) {
                    return new Span(m.start(), m.end());
                }
            }
            return null;
        }

        private static Span national(Matcher m, int from) {
            return m.find(from) ? new Span(m.start(), m.end()) : null;
        }

        private static Span first(Span a, Span b) {
            return a == null || b != null && b.start() < a.start() ? b : a;
        }
    },
    IBAN(64) {
        private static final Pattern START = Pattern.compile("(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}(?=[ ]?[A-Z0-9])");

        @Override
        public Span next(CharSequence text, int from) {
            Matcher m = START.matcher(text);
            for (boolean found = m.find(from); found; found = m.find()) {
                Integer length = Checksums.IBAN_LENGTHS.get(text.subSequence(m.start(), m.start() + 2).toString());
                if (length != null) {
                    int end = ibanEnd(text, m.start(), length);
                    if (end > 0 && Checksums.ibanValid(compact(text, m.start(), end))) {
                        return new Span(m.start(), end);
                    }
                }
            }
            return null;
        }
    },
    /** Payment cards: 13 to 19 digits, Luhn checked, starting 2 (Mastercard's 2-series) to 6. */
    CARD(37) {
        private static final Pattern P = Pattern.compile("(?<![0-9])[2-6](?:[ -]?[0-9]){12,18}(?![0-9])");

        @Override
        public Span next(CharSequence text, int from) {
            return checked(P, text, from, Checksums::luhnValid);
        }
    },
    /** The Swiss social security (AHV) number, 756.xxxx.xxxx.xx, EAN-13 checked; dots or single spaces may group it. */
    AHV(16) {
        private static final Pattern P = Pattern.compile("(?<![0-9])756[. ]?[0-9]{4}[. ]?[0-9]{4}[. ]?[0-9]{2}(?![0-9])");

        @Override
        public Span next(CharSequence text, int from) {
            return checked(P, text, from, Checksums::ean13Valid);
        }
    };

    private final int longestMatch;

    /**
     * @param longestMatch the most characters one match can span, from its pattern's bounds (an email:
     *     64 + 1 + 63 + 6 x 64 + 1 + 24; an IBAN: 34 characters and up to 30 single spaces)
     */
    Pii(int longestMatch) {
        this.longestMatch = longestMatch;
    }

    /** The first finding that starts at or after {@code from}, or null when there is none. */
    public abstract Span next(CharSequence text, int from);

    /** Each finding in {@code text}, in order, none overlapping the one before. */
    public void forEach(CharSequence text, Consumer<Span> each) {
        for (Span s = next(text, 0); s != null; s = next(text, s.end())) {
            each.accept(s);
        }
    }

    /** Whether {@code text} holds any. */
    public boolean in(CharSequence text) {
        return next(text, 0) != null;
    }

    /** The most characters one finding can span (the patterns also look at one character either side). */
    public int longestMatch() {
        return longestMatch;
    }

    private static int indexOf(CharSequence text, char c, int from) {
        for (int i = from; i < text.length(); i++) {
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

    /** The letters and digits of {@code text[from, to)}, separators left out. */
    private static String compact(CharSequence text, int from, int to) {
        StringBuilder sb = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /**
     * Where the {@code length} characters of an IBAN starting at {@code from} end, written compact or
     * in groups separated by single spaces, or -1 when the text there is not shaped like one. The
     * IBAN must end at a word boundary, so a longer code that starts like an IBAN does not count.
     */
    private static int ibanEnd(CharSequence text, int from, int length) {
        int n = 0;
        int i = from;
        while (n < length && i < text.length()) {
            char c = text.charAt(i);
            if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
                n++;
                i++;
            } else if (c == ' ' && i > from && text.charAt(i - 1) != ' ' && n >= 4) {
                i++;
            } else {
                return -1;
            }
        }
        if (n < length || i < text.length() && Character.isLetterOrDigit(text.charAt(i))) {
            return -1;
        }
        return i;
    }

    /** The first match of {@code p} whose digits pass {@code valid}: a shape alone is not enough. */
    private static Span checked(Pattern p, CharSequence text, int from, java.util.function.Predicate<String> valid) {
        Matcher m = p.matcher(text);
        for (boolean found = m.find(from); found; found = m.find()) {
            StringBuilder digits = new StringBuilder(m.end() - m.start());
            for (int i = m.start(); i < m.end(); i++) {
                char c = text.charAt(i);
                if (c >= '0' && c <= '9') {
                    digits.append(c);
                }
            }
            if (valid.test(digits.toString())) {
                return new Span(m.start(), m.end());
            }
        }
        return null;
    }
}
