package dev.fairway.usage;

import dev.fairway.bytes.ByteSearch;
import java.nio.charset.StandardCharsets;

/**
 * Removes the top-level {@code "usage": null} member OpenAI adds to every chunk of a stream that
 * asked for usage. When the gateway asked on the client's behalf, the client must get the chunks
 * it would have got without asking, which carry no {@code usage} field at all.
 *
 * <p>Works on the raw bytes: JSON's structural characters are ASCII and no byte of a multi-byte
 * UTF-8 character equals one, so nothing is decoded, and every byte but the removed member passes
 * on as it came.
 */
final class NullUsage {
    private static final byte[] KEY = ascii("\"usage\"");
    private static final byte[] DATA = ascii("data:");
    private static final byte[] NULL = ascii("null");

    private NullUsage() {}

    /**
     * Copies the event {@code src[from, to)} to {@code dst} at {@code at}, without the
     * {@code "usage":null} member of each {@code data:} line's object; {@code dst} has room for
     * {@code to - from} bytes there (the copy is never longer). Returns the end of the copy in {@code dst}.
     */
    static int strip(byte[] src, int from, int to, byte[] dst, int at) {
        if (ByteSearch.indexOf(src, from, to, KEY) < 0) {
            System.arraycopy(src, from, dst, at, to - from);
            return at + to - from;
        }
        int i = from;
        while (i < to) {
            int end = lineEnd(src, i, to);
            long cut = startsWith(src, i, end, DATA) ? member(src, i, end) : -1;
            if (cut < 0) {
                System.arraycopy(src, i, dst, at, end - i);
                at += end - i;
            } else {
                int a = (int) (cut >>> 32);
                int b = (int) cut;
                System.arraycopy(src, i, dst, at, a - i);
                at += a - i;
                System.arraycopy(src, b, dst, at, end - b);
                at += end - b;
            }
            i = end;
            while (i < to && (src[i] == '\r' || src[i] == '\n')) {
                dst[at++] = src[i++];
            }
        }
        return at;
    }

    /** The line without its object's {@code "usage":null} member, or the same string when it has none at depth 1. */
    static String stripMember(String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        long cut = member(b, 0, b.length);
        if (cut < 0) {
            return line;
        }
        int from = (int) (cut >>> 32);
        int to = (int) cut;
        return new String(b, 0, from, StandardCharsets.UTF_8) + new String(b, to, b.length - to, StandardCharsets.UTF_8);
    }

    /**
     * The bytes to remove from the line {@code s[from, to)} for its object's {@code "usage":null}
     * member at depth 1, as (start << 32 | end), or -1 when there is none. Structure is read byte
     * by byte; string contents, most of a chunk's bytes, are jumped over ({@link #closingQuote}).
     */
    private static long member(byte[] s, int from, int to) {
        int depth = 0;
        int lastComma = -1;
        for (int i = from; i < to; i++) {
            switch (s[i]) {
                case '{', '[' -> depth++;
                case '}', ']' -> depth--;
                case ',' -> {
                    if (depth == 1) {
                        lastComma = i;
                    }
                }
                case '"' -> {
                    if (depth == 1 && startsWith(s, i, to, KEY)) {
                        int valueEnd = nullValueEnd(s, i + KEY.length, to);
                        if (valueEnd >= 0) {
                            return removal(s, i, valueEnd, lastComma, to);
                        }
                    }
                    i = closingQuote(s, i + 1, to);
                }
                default -> { }
            }
        }
        return -1;
    }

    /** The index of the quote that ends the string whose contents start at {@code i}, or {@code to} when the line ends first. */
    private static int closingQuote(byte[] s, int i, int to) {
        while (i < to) {
            int q = ByteSearch.indexOf(s, i, to, (byte) '"', (byte) '\\');
            if (q < 0) {
                return to;
            }
            if (s[q] == '"') {
                return q;
            }
            i = q + 2; // past the backslash and the byte it escapes
        }
        return to;
    }

    /** After the key: optional space, ':', optional space, 'null', optional space, then ',' or '}'; the index of that ',' or '}', else -1. */
    private static int nullValueEnd(byte[] s, int i, int to) {
        i = skipSpace(s, i, to);
        if (i >= to || s[i] != ':') {
            return -1;
        }
        i = skipSpace(s, i + 1, to);
        if (!startsWith(s, i, to, NULL)) {
            return -1;
        }
        i = skipSpace(s, i + NULL.length, to);
        return i < to && (s[i] == ',' || s[i] == '}') ? i : -1;
    }

    private static long removal(byte[] s, int keyStart, int valueEnd, int commaBefore, int to) {
        if (commaBefore >= 0) {
            // ..., "usage": null}  or  ..., "usage": null, ...: drop from the comma before it.
            return (long) commaBefore << 32 | valueEnd;
        }
        // {"usage": null, ...}: drop through the comma after it; {"usage": null}: leave the braces.
        int after = s[valueEnd] == ',' ? skipSpace(s, valueEnd + 1, to) : valueEnd;
        return (long) keyStart << 32 | after;
    }

    private static int lineEnd(byte[] s, int from, int to) {
        int end = ByteSearch.indexOf(s, from, to, (byte) '\r', (byte) '\n');
        return end < 0 ? to : end;
    }

    private static int skipSpace(byte[] s, int i, int to) {
        while (i < to && (s[i] == ' ' || s[i] == '\t')) {
            i++;
        }
        return i;
    }

    private static boolean startsWith(byte[] s, int i, int to, byte[] prefix) {
        return ByteSearch.startsWith(s, i, to, prefix);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
