package dev.fairway.logstore;

import dev.fairway.bytes.ByteSearch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits bytes into complete newline-terminated lines; a torn last line waits for the next read.
 * Line ends are found eight bytes at a time ({@link ByteSearch}): a streamed answer's line is 13 to
 * 19 KiB, and a byte-by-byte loop over it was part of the feeder's read.
 */
final class ByteArrayLines {
    private int consumed;

    /** The non-empty complete lines of {@code bytes[0, length)}, each a copy without its newline. */
    List<byte[]> split(byte[] bytes, int length) {
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        int end;
        while ((end = ByteSearch.indexOf(bytes, start, length, (byte) '\n')) >= 0) {
            if (end > start) {
                out.add(Arrays.copyOfRange(bytes, start, end));
            }
            start = end + 1;
        }
        consumed = start;
        return out;
    }

    /** Bytes of the last split that belonged to complete lines. */
    int consumed() {
        return consumed;
    }
}
