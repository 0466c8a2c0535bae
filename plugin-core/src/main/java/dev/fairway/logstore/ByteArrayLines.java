package dev.fairway.logstore;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Splits bytes into complete newline-terminated lines; a torn last line waits for the next read. */
final class ByteArrayLines {
    private int consumed;

    List<byte[]> split(byte[] bytes, int length) {
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < length; i++) {
            if (bytes[i] == '\n') {
                if (i > start) {
                    out.add(Arrays.copyOfRange(bytes, start, i));
                }
                start = i + 1;
            }
        }
        consumed = start;
        return out;
    }

    /** Bytes of the last split that belonged to complete lines. */
    int consumed() {
        return consumed;
    }
}
