package dev.fairway.apisix;

import dev.fairway.apisix.protocol.TextEntry;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Rebuilds the raw request target ({@code /openai/v1/chat/completions?x=1}) from what APISIX sends:
 * the decoded path and the query arguments one by one. Characters a raw target cannot carry are
 * percent-encoded again; arguments come back in the order APISIX listed them.
 */
final class RequestTarget {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private RequestTarget() {}

    static String of(String decodedPath, List<TextEntry> args) {
        StringBuilder sb = new StringBuilder(decodedPath.length() + 16 * args.size() + 1);
        String path = decodedPath.isEmpty() ? "/" : decodedPath;
        encode(sb, path, true);
        char sep = '?';
        for (TextEntry arg : args) {
            sb.append(sep);
            sep = '&';
            encode(sb, arg.name(), false);
            if (arg.value() != null) {
                sb.append('=');
                encode(sb, arg.value(), false);
            }
        }
        return sb.toString();
    }

    private static void encode(StringBuilder sb, String s, boolean path) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80 && allowed(c, path)) {
                sb.append(c);
            } else {
                int end = Character.isHighSurrogate(c) && i + 1 < s.length() ? i + 2 : i + 1;
                for (byte b : s.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                    sb.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
                }
                i = end - 1;
            }
        }
    }

    private static boolean allowed(char c, boolean path) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            return true;
        }
        return switch (c) {
            case '-', '.', '_', '~' -> true;
            // Path delimiters stay literal in a path; in a query value they would split the argument.
            case '/', ':', '@', '!', '$', '\'', '(', ')', '*', ',', ';' -> path;
            default -> false;
        };
    }
}
