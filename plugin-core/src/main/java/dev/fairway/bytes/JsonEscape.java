package dev.fairway.bytes;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Escapes ASCII bytes into the inside of a JSON string eight at a time, exactly as Jackson's UTF-8
 * generator escapes a string by default: {@code "} and {@code \} get a backslash; backspace, tab,
 * line feed, form feed and carriage return become {@code \b \t \n \f \r}; every other byte below
 * 0x20 becomes <code>&#92;u00XX</code> (upper-case hex); everything else, {@code /} and 0x7F
 * included, is copied as it is. A stream's log record is mostly its payloads, JSON and SSE text
 * with a quote every few bytes, and escaping them byte by byte was most of rendering the record.
 *
 * <p>The source is checked for ASCII in the same pass (a separate check was a second read of
 * every payload). Only ASCII is escaped here: text with other bytes may be invalid UTF-8, which
 * the log decodes (to U+FFFD) before writing, so for it {@link #escapeAscii} answers -1.
 *
 * <p>A word is classified by mask arithmetic that holds for ASCII bytes only (a byte from 0x80
 * could carry into its neighbour, but then the answer is -1 anyway). In SSE text most words hold
 * one or two quotes at places no branch predictor guesses, so a word with at most two quotes or
 * backslashes is written with the same few stores whatever their places: the word, then from each
 * escape on the rest of the word again, shifted, behind a backslash. Words with three or more, or
 * with a control byte, are written a byte at a time from a table; words with none are copied.
 */
public final class JsonEscape {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH = 0x8080808080808080L;
    private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;
    private static final long QUOTES = 0x2222222222222222L;
    private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;
    /** 0x80 - 0x20 in every byte: added to an ASCII byte, sets its high bit from 0x20 on. */
    private static final long CONTROL_LIMIT = 0x6060606060606060L;
    /**
     * Each byte's output for the byte-at-a-time way, as one little-endian word to store: its
     * escape (or the byte itself) in the low bytes, its length in the top byte. Storing all eight
     * bytes and moving on by the length writes a byte's output without a branch.
     */
    private static final long[] OUTPUT = new long[256];

    static {
        byte[] hex = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'B', 'C', 'D', 'E', 'F'};
        for (int b = 0; b < 256; b++) {
            char letter = switch (b) {
                case '"' -> '"';
                case '\\' -> '\\';
                case '\b' -> 'b';
                case '\t' -> 't';
                case '\n' -> 'n';
                case '\f' -> 'f';
                case '\r' -> 'r';
                default -> 0;
            };
            if (letter != 0) {
                OUTPUT[b] = '\\' | (long) letter << 8 | 2L << 56;
            } else if (b < 0x20) {
                OUTPUT[b] = '\\' | (long) 'u' << 8 | (long) '0' << 16 | (long) '0' << 24 | (long) hex[b >> 4] << 32
                        | (long) hex[b & 0xF] << 40 | 6L << 56;
            } else {
                OUTPUT[b] = b | 1L << 56;
            }
        }
    }

    private JsonEscape() {}

    /**
     * The room {@link #escapeAscii} needs in its destination for {@code n} source bytes: six bytes
     * per byte at worst (<code>&#92;u00XX</code>), and one word past the end for a word's last store.
     */
    public static int room(int n) {
        if (n < 0 || n > (Integer.MAX_VALUE - Long.BYTES) / 6) {
            throw new IllegalArgumentException("n: %s (expected: 0 to %s)".formatted(n, (Integer.MAX_VALUE - Long.BYTES) / 6));
        }
        return 6 * n + Long.BYTES;
    }

    /**
     * Writes {@code src[from, to)} escaped (without quotes) to {@code dst} from {@code at}, and
     * returns where the escaped bytes end; or -1 when the range holds a byte from 0x80 (what was
     * written is then no escape of anything). {@code dst} needs {@link #room} for {@code to - from}
     * bytes from {@code at}; its bytes past the returned end may have been overwritten.
     */
    public static int escapeAscii(byte[] src, int from, int to, byte[] dst, int at) {
        Objects.checkFromToIndex(from, to, src.length);
        Objects.checkFromIndexSize(at, room(to - from), dst.length);
        int p = at;
        int i = from;
        long any = 0;
        for (; i <= to - Long.BYTES; i += Long.BYTES) {
            long w = (long) LONGS.get(src, i);
            any |= w;
            // An ASCII byte plus 0x7F reaches its high bit unless it is zero: XOR-ed with the
            // wanted byte, that marks the quotes and the backslashes.
            long quoted = ~(((w ^ QUOTES) + LOW7) & ((w ^ BACKSLASHES) + LOW7)) & HIGH;
            long controls = ~(w + CONTROL_LIMIT) & HIGH;
            if ((quoted | controls) == 0) {
                LONGS.set(dst, p, w);
                p += Long.BYTES;
                continue;
            }
            long second = quoted & (quoted - 1);
            if ((controls | (second & (second - 1))) != 0) {
                for (int k = 0; k < Long.BYTES; k++) {
                    long out = OUTPUT[(int) (w >>> (k * Byte.SIZE)) & 0xFF];
                    LONGS.set(dst, p, out);
                    p += (int) (out >>> 56);
                }
                continue;
            }
            // One or two marks, at bits 8k + 7; with one, the second's stores land past the word's
            // output (its k reads as 8), where the next word or nothing but spare room follows.
            int first = Long.numberOfTrailingZeros(quoted);
            int last = Long.numberOfTrailingZeros(second);
            int k1 = first >>> 3;
            int k2 = last >>> 3;
            LONGS.set(dst, p, w);
            LONGS.set(dst, p + k1 + 1, w >>> (first & ~7));
            dst[p + k1] = '\\';
            LONGS.set(dst, p + k2 + 2, w >>> (last & ~7));
            dst[p + k2 + 1] = '\\';
            p += Long.BYTES + Long.bitCount(quoted);
        }
        for (; i < to; i++) {
            byte b = src[i];
            any |= b;
            long out = OUTPUT[b & 0xFF];
            LONGS.set(dst, p, out);
            p += (int) (out >>> 56);
        }
        return (any & HIGH) != 0 ? -1 : p;
    }
}
