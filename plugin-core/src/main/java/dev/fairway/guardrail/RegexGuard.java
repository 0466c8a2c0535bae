package dev.fairway.guardrail;

/**
 * Rejects the regular-expression constructs that make backtracking explode: a quantified group that
 * itself holds a quantifier ({@code (a+)+}, {@code (\w*x)*}) and back-references. What slips past
 * (runs of wildcards such as {@code .*a.*a.*c}, polynomial on a miss) is cut off at run time by
 * {@link BudgetedText}.
 */
final class RegexGuard {
    static final int MAX_LENGTH = 512;

    private RegexGuard() {}

    /** Why {@code regex} is refused, or null when it is acceptable. */
    static String problem(String regex) {
        if (regex.length() > MAX_LENGTH) {
            return String.format("%d characters (expected: at most %d)", regex.length(), MAX_LENGTH);
        }
        // One flag per open group: does it contain a quantifier, directly or in a nested group?
        boolean[] quantified = new boolean[regex.length() + 1];
        int depth = 0;
        int i = 0;
        while (i < regex.length()) {
            char c = regex.charAt(i);
            if (c == '\\') {
                if (i + 1 < regex.length()) {
                    char e = regex.charAt(i + 1);
                    if ((e >= '1' && e <= '9') || e == 'k') {
                        return "back-references are not allowed (they defeat linear-time scanning)";
                    }
                    if (e == 'Q') {
                        int end = regex.indexOf("\\E", i + 2);
                        i = end < 0 ? regex.length() : end + 2;
                        continue;
                    }
                }
                i += 2;
            } else if (c == '[') {
                i = skipClass(regex, i);
            } else if (c == '(') {
                quantified[++depth] = false;
                i++;
            } else if (c == ')') {
                if (depth == 0) {
                    return null; // unbalanced: Pattern.compile reports it with its position
                }
                boolean inner = quantified[depth--];
                boolean repeated = isRepeat(regex, i + 1);
                if (inner && repeated) {
                    return "a repeated group contains a repetition, e.g. (a+)+ (nested quantifiers backtrack exponentially)";
                }
                if (inner || repeated) {
                    quantified[depth] = true;
                }
                i++;
            } else {
                if (isRepeat(regex, i) && depth > 0) {
                    quantified[depth] = true;
                }
                i++;
            }
        }
        return null;
    }

    /** Whether the character at {@code i} repeats what precedes it: *, + or {n,...} ({@code ?} is at most once). */
    private static boolean isRepeat(String regex, int i) {
        if (i >= regex.length()) {
            return false;
        }
        char c = regex.charAt(i);
        return c == '*' || c == '+' || (c == '{' && i + 1 < regex.length() && Character.isDigit(regex.charAt(i + 1)));
    }

    /** The index after the character class starting at {@code open}, nested classes included. */
    private static int skipClass(String regex, int open) {
        int depth = 0;
        int i = open;
        while (i < regex.length()) {
            char c = regex.charAt(i);
            if (c == '\\') {
                i += 2;
                continue;
            }
            if (c == '[') {
                depth++;
                if (i + 1 < regex.length() && regex.charAt(i + 1) == ']') {
                    i++; // a leading ] is a literal
                }
            } else if (c == ']') {
                depth--;
                if (depth == 0) {
                    return i + 1;
                }
            }
            i++;
        }
        return i;
    }
}
