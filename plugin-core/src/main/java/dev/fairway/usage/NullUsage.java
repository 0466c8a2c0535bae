package dev.fairway.usage;

import dev.fairway.bytes.ByteSearch;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

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
        return strip(src, from, to, dst, at, null);
    }

    /** As {@link #strip(byte[], int, int, byte[], int)}, each line's member found through {@code lines} when given. */
    private static int strip(byte[] src, int from, int to, byte[] dst, int at, Lines lines) {
        // Without the key nothing is removed; a stream's lines have it (the gateway asked), and are walked cheaply through lines.
        if (lines == null && ByteSearch.indexOf(src, from, to, KEY) < 0) {
            System.arraycopy(src, from, dst, at, to - from);
            return at + to - from;
        }
        int i = from;
        while (i < to) {
            int end = lineEnd(src, i, to);
            long cut = !startsWith(src, i, end, DATA) ? -1 : lines == null ? member(src, i, end) : lines.member(src, i, end);
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
        return walk(s, from, to, from, 0, -1, null);
    }

    /**
     * {@link #member} from {@code i} on, in the state the walk of {@code s[from, i)} left: at
     * {@code depth}, outside strings, the last comma at depth 1 at {@code lastComma} (or -1). With
     * {@code lines}, each comma at depth 1 is reported to it, and it may end the walk with the
     * previous line's answer ({@link Lines#at}).
     */
    private static long walk(byte[] s, int from, int to, int i, int depth, int lastComma, Lines lines) {
        for (; i < to; i++) {
            switch (s[i]) {
                case '{', '[' -> depth++;
                case '}', ']' -> depth--;
                case ',' -> {
                    if (depth == 1) {
                        lastComma = i;
                        if (lines != null && lines.at(i - from)) {
                            return lines.rest();
                        }
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

    /**
     * The {@code "usage":null} removal of one stream's lines, in order, each walked only where it
     * differs from the line before: the walk's state after a comma at depth 1 is that comma alone,
     * so a line starting as the previous one did resumes after the last such comma the two share,
     * and once it passes a comma at depth 1 that the previous walk passed too, with the same bytes
     * after it to the end, the rest of the walk is the previous one's (OpenAI's chunks differ in
     * their content only). Every answer is the stateless walk's ({@code FastScanAgreementTest}).
     */
    static final class Lines {
        /** Lines longer than this are walked whole and not remembered. */
        private static final int MAX_REMEMBERED = 8 * 1024;

        private byte[] previous = new byte[0];
        private int previousLength = -1;
        /** The previous walk's commas at depth 1, from its line's start, in order; and its answer, from there too, or -1. */
        private int[] commas = new int[8];
        private int commaCount;
        private long answer;
        /** The current walk's commas at depth 1, from its line's start. */
        private int[] walked = new int[8];
        private int walkedCount;
        /** During a walk: the line, its bounds, how much longer it is than the previous one, the next previous comma to compare. */
        private byte[] line;
        private int lineFrom;
        private int lineTo;
        private int shift;
        private int next;

        int strip(byte[] src, int from, int to, byte[] dst, int at) {
            return NullUsage.strip(src, from, to, dst, at, this);
        }

        private long member(byte[] s, int from, int to) {
            int length = to - from;
            if (length > MAX_REMEMBERED) {
                previousLength = -1;
                return NullUsage.member(s, from, to);
            }
            walkedCount = 0;
            line = s;
            lineFrom = from;
            lineTo = to;
            next = 0;
            long found;
            if (previousLength < 0) {
                commaCount = 0;
                found = walk(s, from, to, from, 0, -1, this);
            } else {
                int same = Arrays.mismatch(previous, 0, previousLength, s, from, to);
                same = same < 0 ? Math.min(previousLength, length) : same;
                // Resume after the last comma at depth 1 of the previous walk that lies in the shared start.
                int k = 0;
                while (k < commaCount && commas[k] < same) {
                    add(commas[k++]);
                }
                shift = length - previousLength;
                next = k;
                found = k == 0 ? walk(s, from, to, from, 0, -1, this)
                        : walk(s, from, to, from + commas[k - 1] + 1, 1, from + commas[k - 1], this);
            }
            line = null;
            remember(s, from, length, found);
            return found;
        }

        /**
         * The walk passed a comma at depth 1, {@code at} from its line's start: whether the rest of the
         * walk is the previous one's, moved by the difference in length (then {@link #rest} is its answer).
         */
        private boolean at(int at) {
            add(at);
            int there = at - shift;
            while (next < commaCount && commas[next] < there) {
                next++;
            }
            // The previous walk passed a comma at depth 1 as far from its line's end, and the two lines end alike from there.
            if (next == commaCount || commas[next] != there
                    || !Arrays.equals(previous, there, previousLength, line, lineFrom + at, lineTo)) {
                return false;
            }
            for (int k = next + 1; k < commaCount; k++) {
                add(commas[k] + shift);
            }
            return true;
        }

        /** The previous walk's answer as this line's. */
        private long rest() {
            return answer < 0 ? -1 : moved(answer, lineFrom + shift);
        }

        private void add(int comma) {
            if (walkedCount == walked.length) {
                walked = Arrays.copyOf(walked, walkedCount * 2);
            }
            walked[walkedCount++] = comma;
        }

        private void remember(byte[] s, int from, int length, long found) {
            if (previous.length < length) {
                previous = new byte[Math.max(length, previous.length * 2)];
            }
            System.arraycopy(s, from, previous, 0, length);
            previousLength = length;
            int[] swap = commas;
            commas = walked;
            walked = swap;
            commaCount = walkedCount;
            answer = found < 0 ? -1 : moved(found, -from);
        }

        /** Both ends of a removal {@code by} bytes further. */
        private static long moved(long cut, int by) {
            return (long) ((int) (cut >>> 32) + by) << 32 | ((int) cut + by);
        }
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
