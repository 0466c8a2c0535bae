package dev.fairway.kong.schema;

import java.nio.charset.StandardCharsets;

/**
 * Lua's {@code string.match} for the pattern items Kong's schemas use ({@code ^ $ .}, {@code %a %d
 * %l %s %u %w %x} and their complements, {@code %} escapes, sets with ranges, {@code * + - ?}),
 * over the string's UTF-8 bytes as Lua sees them. Written after the Lua 5.1 reference manual §5.4.1,
 * independently of {@link LuaPattern}, so that the two cannot share a mistake.
 */
final class LuaMatcher {
    private final byte[] s;
    private final String p;

    private LuaMatcher(String subject, String pattern) {
        this.s = subject.getBytes(StandardCharsets.UTF_8);
        this.p = pattern;
    }

    /** Whether {@code value:match(pattern)} finds anything. */
    static boolean matches(String value, String pattern) {
        LuaMatcher m = new LuaMatcher(value, pattern);
        if (pattern.startsWith("^")) {
            return m.match(0, 1) >= 0;
        }
        for (int i = 0; i <= m.s.length; i++) {
            if (m.match(i, 0) >= 0) {
                return true;
            }
        }
        return false;
    }

    private int match(int si, int pi) {
        if (pi == p.length()) {
            return si;
        }
        if (p.charAt(pi) == '$' && pi + 1 == p.length()) {
            return si == s.length ? si : -1;
        }
        int ep = classEnd(pi);
        char q = ep < p.length() ? p.charAt(ep) : 0;
        boolean m = si < s.length && single(s[si] & 0xff, pi, ep);
        switch (q) {
            case '?': {
                if (m) {
                    int r = match(si + 1, ep + 1);
                    if (r >= 0) {
                        return r;
                    }
                }
                return match(si, ep + 1);
            }
            case '+':
                return m ? maxExpand(si + 1, pi, ep) : -1;
            case '*':
                return maxExpand(si, pi, ep);
            case '-':
                while (true) {
                    int r = match(si, ep + 1);
                    if (r >= 0) {
                        return r;
                    }
                    if (si < s.length && single(s[si] & 0xff, pi, ep)) {
                        si++;
                    } else {
                        return -1;
                    }
                }
            default:
                return m ? match(si + 1, ep) : -1;
        }
    }

    private int maxExpand(int si, int pi, int ep) {
        int i = 0;
        while (si + i < s.length && single(s[si + i] & 0xff, pi, ep)) {
            i++;
        }
        for (; i >= 0; i--) {
            int r = match(si + i, ep + 1);
            if (r >= 0) {
                return r;
            }
        }
        return -1;
    }

    private int classEnd(int pi) {
        char c = p.charAt(pi++);
        if (c == '%') {
            return pi + 1;
        }
        if (c == '[') {
            if (p.charAt(pi) == '^') {
                pi++;
            }
            do {
                if (p.charAt(pi) == '%') {
                    pi++;
                }
                pi++;
            } while (p.charAt(pi) != ']');
            return pi + 1;
        }
        return pi;
    }

    private boolean single(int c, int pi, int ep) {
        char pc = p.charAt(pi);
        return switch (pc) {
            case '.' -> true;
            case '%' -> matchClass(c, p.charAt(pi + 1));
            case '[' -> bracket(c, pi, ep - 1);
            default -> pc == c;
        };
    }

    private boolean bracket(int c, int pi, int end) {
        boolean negate = false;
        pi++;
        if (p.charAt(pi) == '^') {
            negate = true;
            pi++;
        }
        for (; pi < end; pi++) {
            if (p.charAt(pi) == '%') {
                pi++;
                if (matchClass(c, p.charAt(pi))) {
                    return !negate;
                }
            } else if (pi + 2 < end && p.charAt(pi + 1) == '-') {
                if (p.charAt(pi) <= c && c <= p.charAt(pi + 2)) {
                    return !negate;
                }
                pi += 2;
            } else if (p.charAt(pi) == c) {
                return !negate;
            }
        }
        return negate;
    }

    private static boolean matchClass(int c, char cl) {
        if (!Character.isLetter(cl)) {
            return cl == c;
        }
        boolean r = switch (Character.toLowerCase(cl)) {
            case 'a' -> Character.isLetter(c) && c < 128;
            case 'd' -> c >= '0' && c <= '9';
            case 'l' -> c >= 'a' && c <= 'z';
            case 's' -> c == ' ' || (c >= 9 && c <= 13);
            case 'u' -> c >= 'A' && c <= 'Z';
            case 'w' -> c < 128 && Character.isLetterOrDigit(c);
            case 'x' -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            case 'p' -> c < 128 && c > 32 && c != 127 && !Character.isLetterOrDigit(c);
            default -> cl == c;
        };
        return Character.isUpperCase(cl) ? !r : r;
    }
}
