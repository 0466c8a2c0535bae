package dev.fairway.usage;

import java.nio.charset.StandardCharsets;

/**
 * Removes the top-level {@code "usage": null} member OpenAI adds to every chunk of a stream that
 * asked for usage. When the gateway asked on the client's behalf, the client must get the chunks
 * it would have got without asking, which carry no {@code usage} field at all.
 */
final class NullUsage {
    private static final String KEY = "\"usage\"";

    private NullUsage() {}

    /** The event with {@code "usage":null} removed from each {@code data:} line's object; the same array when there is none. */
    static byte[] strip(byte[] event) {
        String text = new String(event, StandardCharsets.UTF_8);
        if (!text.contains(KEY)) {
            return event;
        }
        StringBuilder out = new StringBuilder(text.length());
        boolean changed = false;
        int i = 0;
        while (i < text.length()) {
            int end = lineEnd(text, i);
            String line = text.substring(i, end);
            if (line.startsWith("data:")) {
                String stripped = stripMember(line);
                changed |= stripped != line;
                line = stripped;
            }
            out.append(line);
            i = end;
            while (i < text.length() && (text.charAt(i) == '\r' || text.charAt(i) == '\n')) {
                out.append(text.charAt(i++));
            }
        }
        return changed ? out.toString().getBytes(StandardCharsets.UTF_8) : event;
    }

    private static int lineEnd(String s, int from) {
        int i = from;
        while (i < s.length() && s.charAt(i) != '\r' && s.charAt(i) != '\n') {
            i++;
        }
        return i;
    }

    /** The line without its object's {@code "usage":null} member, or the same string when it has none at depth 1. */
    static String stripMember(String line) {
        int depth = 0;
        boolean inString = false;
        int lastComma = -1;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
                continue;
            }
            switch (c) {
                case '{', '[' -> depth++;
                case '}', ']' -> depth--;
                case ',' -> {
                    if (depth == 1) {
                        lastComma = i;
                    }
                }
                case '"' -> {
                    if (depth == 1 && line.startsWith(KEY, i)) {
                        int valueEnd = nullValueEnd(line, i + KEY.length());
                        if (valueEnd > 0) {
                            return remove(line, i, valueEnd, lastComma);
                        }
                    }
                    inString = true;
                }
                default -> { }
            }
        }
        return line;
    }

    /** After the key: optional space, ':', optional space, 'null', optional space, then ',' or '}'; the index of that ',' or '}', else -1. */
    private static int nullValueEnd(String s, int i) {
        i = skipSpace(s, i);
        if (i >= s.length() || s.charAt(i) != ':') {
            return -1;
        }
        i = skipSpace(s, i + 1);
        if (!s.startsWith("null", i)) {
            return -1;
        }
        i = skipSpace(s, i + 4);
        return i < s.length() && (s.charAt(i) == ',' || s.charAt(i) == '}') ? i : -1;
    }

    private static String remove(String s, int keyStart, int valueEnd, int commaBefore) {
        if (commaBefore >= 0) {
            // ..., "usage": null}  or  ..., "usage": null, ...: drop from the comma before it.
            return s.substring(0, commaBefore) + s.substring(valueEnd);
        }
        // {"usage": null, ...}: drop through the comma after it; {"usage": null}: leave the braces.
        int after = s.charAt(valueEnd) == ',' ? skipSpace(s, valueEnd + 1) : valueEnd;
        return s.substring(0, keyStart) + s.substring(after);
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }
}
