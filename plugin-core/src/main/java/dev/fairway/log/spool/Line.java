package dev.fairway.log.spool;

import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * A record's line while it is rendered: a byte array that grows, which the writer thread reuses
 * from record to record. The chain hashes and the spool appends the bytes where they lie
 * ({@link #array()} up to {@link #length()}), instead of each record leaving a stream's buffer
 * plus a trimmed copy of it behind. Not thread-safe: one writer's.
 *
 * <p>A renderer may also write into the array itself: {@link #room} makes space and
 * {@link #length(int)} says how much of it was filled.
 */
public final class Line extends OutputStream {
    private byte[] bytes;
    private int length;

    public Line(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity: %s (expected: >= 0)".formatted(capacity));
        }
        bytes = new byte[capacity];
    }

    /** The line's bytes: the first {@link #length()} are the line, the rest are not. */
    public byte[] array() {
        return bytes;
    }

    public int length() {
        return length;
    }

    public int capacity() {
        return bytes.length;
    }

    /**
     * Makes room for {@code n} more bytes and returns the array (which may be a new one), to be
     * written from {@link #length()} on and then committed with {@link #length(int)}.
     */
    public byte[] room(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n: %s (expected: >= 0)".formatted(n));
        }
        if (n > bytes.length - length) {
            grow(n);
        }
        return bytes;
    }

    /** Sets how many bytes of {@link #array()} are the line (after writing into {@link #room}). */
    public void length(int length) {
        this.length = Objects.checkIndex(length, bytes.length + 1);
    }

    /** Empties the line, keeping its array for the next one. */
    public void clear() {
        length = 0;
    }

    @Override
    public void write(int b) {
        if (length == bytes.length) {
            grow(1);
        }
        bytes[length++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len > bytes.length - length) {
            grow(len);
        }
        System.arraycopy(b, off, bytes, length, len);
        length += len;
    }

    /** A copy of the line. */
    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, length);
    }

    /** Doubles the array at least, or to what {@code more} bytes need beyond the line. */
    private void grow(int more) {
        long needed = (long) length + more;
        if (needed > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("line: %s bytes (expected: < 2 GiB)".formatted(needed));
        }
        long doubled = Math.min(2L * bytes.length, Integer.MAX_VALUE - 8);
        bytes = Arrays.copyOf(bytes, (int) Math.max(needed, doubled));
    }
}
