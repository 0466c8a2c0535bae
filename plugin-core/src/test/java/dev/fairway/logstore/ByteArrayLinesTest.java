package dev.fairway.logstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Splitting with the eight-at-a-time search gives the lines and the consumed count the byte loop gave. */
class ByteArrayLinesTest {
    @Test
    void splitsAsTheByteLoopDid() {
        SplittableRandom rnd = new SplittableRandom(17);
        ByteArrayLines lines = new ByteArrayLines();
        for (int round = 0; round < 20_000; round++) {
            int size = rnd.nextInt(round % 10 == 0 ? 5_000 : 64);
            byte[] bytes = new byte[size + rnd.nextInt(9)]; // bytes past length must be ignored
            for (int i = 0; i < bytes.length; i++) {
                // Mostly text, newlines often enough for empty lines, runs of them, lines of every length.
                int k = rnd.nextInt(round % 3 == 0 ? 4 : 40);
                bytes[i] = k == 0 ? (byte) '\n' : k == 1 ? (byte) rnd.nextInt(256) : (byte) ('a' + k % 26);
            }
            List<byte[]> expected = new ArrayList<>();
            int consumed = byteLoop(bytes, size, expected);
            List<byte[]> actual = lines.split(bytes, size);
            assertThat(actual).as("round %d", round).hasSameSizeAs(expected);
            for (int i = 0; i < expected.size(); i++) {
                assertThat(actual.get(i)).isEqualTo(expected.get(i));
            }
            assertThat(lines.consumed()).isEqualTo(consumed);
        }
    }

    /** The split before: byte by byte. */
    private static int byteLoop(byte[] bytes, int length, List<byte[]> out) {
        int start = 0;
        for (int i = 0; i < length; i++) {
            if (bytes[i] == '\n') {
                if (i > start) {
                    out.add(Arrays.copyOfRange(bytes, start, i));
                }
                start = i + 1;
            }
        }
        return start;
    }
}
