package dev.fairway.kong.schema;

import java.util.ArrayList;
import java.util.List;

/**
 * Translates the regular expressions of the config model's {@code @Match} (a subset: literals,
 * {@code .}, {@code \d \s \S \w}, character classes, {@code * + ?}, top-level {@code |}) into
 * anchored Lua patterns, which Kong's {@code match} and {@code match_any} validators use. Anything
 * outside the subset is refused, so a constraint Kong could not check never ships silently.
 */
final class LuaPattern {
    private LuaPattern() {}

    /** One anchored Lua pattern per alternative of {@code regex}. */
    static List<String> alternatives(String regex) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '[') {
                depth = 1;
            } else if (c == ']') {
                depth = 0;
            } else if (c == '|' && depth == 0) {
                out.add(translate(regex.substring(start, i), regex));
                start = i + 1;
            }
        }
        out.add(translate(regex.substring(start), regex));
        return out;
    }

    /** {@code text} matched literally anywhere, as a Lua pattern. */
    static String literal(String text) {
        StringBuilder sb = new StringBuilder();
        for (char c : text.toCharArray()) {
            sb.append(Character.isLetterOrDigit(c) ? "" : "%").append(c);
        }
        return sb.toString();
    }

    private static String translate(String alt, String whole) {
        StringBuilder sb = new StringBuilder("^");
        for (int i = 0; i < alt.length(); i++) {
            char c = alt.charAt(i);
            switch (c) {
                case '\\' -> sb.append(escape(alt.charAt(++i), whole));
                case '[' -> {
                    int end = alt.indexOf(']', i + 2);
                    if (end < 0) {
                        throw unsupported(whole, "an unclosed character class");
                    }
                    sb.append(charClass(alt.substring(i + 1, end), whole));
                    i = end;
                }
                case '.', '*', '+', '?' -> sb.append(c);
                case '(', ')', '{', '}', '^', '$', '|' -> throw unsupported(whole, "'" + c + "'");
                default -> sb.append(Character.isLetterOrDigit(c) ? "" : "%").append(c);
            }
        }
        return sb.append('$').toString();
    }

    private static String escape(char c, String whole) {
        return switch (c) {
            case 'd' -> "%d";
            case 's' -> "%s";
            case 'S' -> "%S";
            case 'w' -> "[%w_]";
            default -> {
                if (Character.isLetterOrDigit(c)) {
                    throw unsupported(whole, "'\\" + c + "'");
                }
                yield "%" + c;
            }
        };
    }

    private static String charClass(String body, String whole) {
        if (body.startsWith("^")) {
            throw unsupported(whole, "a negated character class");
        }
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\\') {
                char e = body.charAt(++i);
                sb.append(e == 'w' ? "%w_" : escape(e, whole));
            } else if (c == '-' && i > 0 && i < body.length() - 1) {
                sb.append('-');
            } else {
                sb.append(Character.isLetterOrDigit(c) ? "" : "%").append(c);
            }
        }
        return sb.append(']').toString();
    }

    private static IllegalArgumentException unsupported(String regex, String what) {
        return new IllegalArgumentException("@Match(\"" + regex + "\"): " + what + " has no Lua pattern equivalent");
    }
}
