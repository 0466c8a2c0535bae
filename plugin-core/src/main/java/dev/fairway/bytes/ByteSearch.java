package dev.fairway.bytes;

import static java.util.Objects.requireNonNull;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * Finds bytes in byte ranges eight at a time: the stream path scans every event of every streamed
 * answer for quotes, backslashes and line ends, and a byte-by-byte loop was most of its CPU.
 *
 * <p>Eight bytes are read as one long and compared at once (SWAR, "SIMD within a register"): XOR
 * with the wanted byte repeated turns matching bytes into zero bytes, and {@link #zeros} marks the
 * zero bytes of a word exactly (unlike the shorter {@code (x - 0x01..) & ~x & 0x80..}, whose borrow
 * can mark a byte above a real match, so its marks could not be ANDed across two words). The lowest
 * mark in memory order is the first match. The last few bytes of a range are compared one by one.
 */
public final class ByteSearch {
    /** Arrays read as little-endian longs: the byte at the lowest index is the least significant. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;

    private ByteSearch() {}

    /** The first index of {@code b} in {@code a[from, to)}, or -1. */
    public static int indexOf(byte[] a, int from, int to, byte b) {
        Objects.checkFromToIndex(from, to, a.length);
        long p = repeat(b);
        int i = from;
        for (; i <= to - Long.BYTES; i += Long.BYTES) {
            long m = zeros((long) LONGS.get(a, i) ^ p);
            if (m != 0) {
                return i + first(m);
            }
        }
        if (i < to && i <= a.length - Long.BYTES) {
            return found(i, zeros((long) LONGS.get(a, i) ^ p) & below(to - i));
        }
        for (; i < to; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** The first index of {@code b} or {@code c} in {@code a[from, to)}, or -1. */
    public static int indexOf(byte[] a, int from, int to, byte b, byte c) {
        Objects.checkFromToIndex(from, to, a.length);
        long pb = repeat(b);
        long pc = repeat(c);
        int i = from;
        for (; i <= to - Long.BYTES; i += Long.BYTES) {
            long w = (long) LONGS.get(a, i);
            long m = zeros(w ^ pb) | zeros(w ^ pc);
            if (m != 0) {
                return i + first(m);
            }
        }
        if (i < to && i <= a.length - Long.BYTES) {
            long w = (long) LONGS.get(a, i);
            return found(i, (zeros(w ^ pb) | zeros(w ^ pc)) & below(to - i));
        }
        for (; i < to; i++) {
            if (a[i] == b || a[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The first index at which all of {@code needle} lies in {@code a[from, to)}, or -1. Candidates
     * are the places where the needle's first two bytes both match (a lone {@code "} is common in
     * JSON, {@code "u} far less so), each then compared in full.
     */
    public static int indexOf(byte[] a, int from, int to, byte[] needle) {
        Objects.checkFromToIndex(from, to, a.length);
        requireNonNull(needle, "needle");
        int n = needle.length;
        if (n < 2) {
            return n == 0 ? (from <= to ? from : -1) : indexOf(a, from, to, needle[0]);
        }
        long p0 = repeat(needle[0]);
        long p1 = repeat(needle[1]);
        int i = from;
        // Two overlapping words: bit k of the mask says a[i + k] and a[i + 1 + k] are the first two bytes.
        for (; i <= to - Long.BYTES - 1; i += Long.BYTES) {
            long m = zeros((long) LONGS.get(a, i) ^ p0) & zeros((long) LONGS.get(a, i + 1) ^ p1);
            while (m != 0) {
                int k = i + first(m);
                if (startsWith(a, k, to, needle)) {
                    return k;
                }
                m &= m - 1;
            }
        }
        for (; i + n <= to; i++) {
            if (startsWith(a, i, to, needle)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The first index of {@code b} or {@code c} in {@code buf}'s bytes {@code [from, to)} (absolute
     * indexes; its position is neither used nor moved), or -1. Works on any buffer, read-only or
     * direct, in either byte order: a read-only view has no array to read.
     */
    public static int indexOf(ByteBuffer buf, int from, int to, byte b, byte c) {
        Objects.checkFromToIndex(from, to, buf.limit());
        long pb = repeat(b);
        long pc = repeat(c);
        boolean little = buf.order() == ByteOrder.LITTLE_ENDIAN;
        int i = from;
        for (; i <= to - Long.BYTES; i += Long.BYTES) {
            long w = buf.getLong(i);
            long m = zeros(w ^ pb) | zeros(w ^ pc);
            if (m != 0) {
                // Big-endian: the byte at the lowest index is the most significant.
                return i + (little ? first(m) : Long.numberOfLeadingZeros(m) >>> 3);
            }
        }
        if (i < to && i <= buf.limit() - Long.BYTES) {
            long w = buf.getLong(i);
            // Big-endian, the first bytes are the high ones.
            long m = (zeros(w ^ pb) | zeros(w ^ pc)) & (little ? below(to - i) : ~(-1L >>> ((to - i) * Byte.SIZE)));
            return m == 0 ? -1 : i + (little ? first(m) : Long.numberOfLeadingZeros(m) >>> 3);
        }
        for (; i < to; i++) {
            byte x = buf.get(i);
            if (x == b || x == c) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The marks (bit 8k + 7) of the bytes equal to {@code b} or {@code c} among {@code a[i, i + 8)},
     * for a scan that stops at most of them: it goes through one word's marks ({@link #offset},
     * then {@code m &= m - 1}) instead of searching again from each.
     */
    public static long marks(byte[] a, int i, byte b, byte c) {
        long w = (long) LONGS.get(a, i);
        return zeros(w ^ repeat(b)) | zeros(w ^ repeat(c));
    }

    /** The offset in its word of the byte the lowest of {@code marks} stands for. */
    public static int offset(long marks) {
        return first(marks);
    }

    /**
     * How many bytes {@code a[aFrom, aTo)} and {@code b[bFrom, bTo)} have in common at their ends,
     * compared from the last byte back eight at a time (the mirror of {@link Arrays#mismatch}).
     */
    public static int commonSuffix(byte[] a, int aFrom, int aTo, byte[] b, int bFrom, int bTo) {
        Objects.checkFromToIndex(aFrom, aTo, a.length);
        Objects.checkFromToIndex(bFrom, bTo, b.length);
        int max = Math.min(aTo - aFrom, bTo - bFrom);
        int n = 0;
        for (; n + Long.BYTES <= max; n += Long.BYTES) {
            long x = (long) LONGS.get(a, aTo - n - Long.BYTES) ^ (long) LONGS.get(b, bTo - n - Long.BYTES);
            if (x != 0) {
                // Little-endian: the word's last byte is its most significant.
                return n + (Long.numberOfLeadingZeros(x) >>> 3);
            }
        }
        while (n < max && a[aTo - n - 1] == b[bTo - n - 1]) {
            n++;
        }
        return n;
    }

    /**
     * Whether {@code a[i, to)} starts with {@code prefix}; false when it is shorter or {@code i} is
     * negative. A prefix of four bytes or more is compared as its first and last word (overlapping
     * when shorter than two), then its middle: most candidates differ in the first, and the names
     * the stream path looks for are all short enough to need no loop.
     */
    public static boolean startsWith(byte[] a, int i, int to, byte[] prefix) {
        int n = prefix.length;
        if (i < 0 || i > to - n) {
            return false;
        }
        if (n >= Long.BYTES) {
            int last = n - Long.BYTES;
            return (long) LONGS.get(a, i) == (long) LONGS.get(prefix, 0)
                    && (long) LONGS.get(a, i + last) == (long) LONGS.get(prefix, last)
                    && (n <= 2 * Long.BYTES || Arrays.equals(a, i + Long.BYTES, i + last, prefix, Long.BYTES, last));
        }
        if (n >= Integer.BYTES) {
            int last = n - Integer.BYTES;
            return (int) INTS.get(a, i) == (int) INTS.get(prefix, 0) && (int) INTS.get(a, i + last) == (int) INTS.get(prefix, last);
        }
        for (int j = 0; j < n; j++) {
            if (a[i + j] != prefix[j]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The match a tail's mask marks, or -1. The last bytes of a range are read as one word when the
     * array goes on past them (the bytes past the range masked off), sparing a byte loop per call.
     */
    private static int found(int i, long m) {
        return m == 0 ? -1 : i + first(m);
    }

    /** The marks of the first {@code n} bytes of a word, 0 < n < 8. */
    private static long below(int n) {
        return (1L << (n * Byte.SIZE)) - 1;
    }

    /** {@code b} in every byte of a long. */
    private static long repeat(byte b) {
        return (b & 0xFFL) * ONES;
    }

    /**
     * The high bit of each zero byte of {@code x}, and no other bit. Adding 0x7F to a byte's low
     * seven bits carries into its high bit unless they are all zero, and never into the next byte;
     * OR-ing in {@code x} itself rules out bytes whose own high bit is set.
     */
    static long zeros(long x) {
        long y = (x & LOW7) + LOW7;
        return ~(y | x | LOW7);
    }

    /** The byte offset of the lowest mark of a little-endian mask. */
    private static int first(long m) {
        return Long.numberOfTrailingZeros(m) >>> 3;
    }
}
