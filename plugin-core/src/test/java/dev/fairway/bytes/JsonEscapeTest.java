package dev.fairway.bytes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The eight-at-a-time JSON escape writes exactly what Jackson's UTF-8 generator writes for the same
 * ASCII bytes ({@code writeUTF8String}, the log's payload path before it), on every range, and
 * reports any byte from 0x80.
 */
class JsonEscapeTest {
    private static final JsonFactory JSON = new JsonFactory();

    @Test
    void everyAsciiByteAtEveryPositionIsEscapedAsJacksonDoes() {
        for (int length = 1; length <= 26; length++) {
            for (int at = 0; at < length; at++) {
                for (int b = 0; b < 128; b++) {
                    for (byte filler : new byte[] {'a', '"', '\n', 1}) {
                        byte[] src = new byte[length];
                        Arrays.fill(src, filler);
                        src[at] = (byte) b;
                        assertAgrees(src, 0, length);
                    }
                }
            }
        }
    }

    @Test
    void everySubRangeOfRandomBytesAgrees() {
        Random random = new Random(22);
        for (int round = 0; round < 200; round++) {
            byte[] src = new byte[random.nextInt(48)];
            for (int i = 0; i < src.length; i++) {
                // Mostly what needs escaping, so words hold several escapes.
                src[i] = (byte) (random.nextBoolean() ? "\"\\\n\r\t\b\f\u0000\u001f/\u007f".charAt(random.nextInt(11)) : random.nextInt(128));
            }
            for (int from = 0; from <= src.length; from++) {
                for (int to = from; to <= src.length; to++) {
                    assertAgrees(src, from, to);
                }
            }
        }
    }

    @Test
    void aByteFrom0x80AnywhereInTheRangeIsReported() {
        for (int length = 1; length <= 40; length++) {
            for (int at = 0; at < length; at++) {
                for (int high : new int[] {0x80, 0xA2, 0xC3, 0xDC, 0xFF}) {
                    byte[] src = new byte[length];
                    Arrays.fill(src, (byte) '"');
                    src[at] = (byte) high;
                    assertThat(JsonEscape.escapeAscii(src, 0, length, new byte[JsonEscape.room(length)], 0))
                            .as("0x%s at %s of %s", Integer.toHexString(high), at, length).isEqualTo(-1);
                    // Outside the range it is none of the escape's business.
                    if (at == length - 1) {
                        assertAgrees(src, 0, at);
                    }
                }
            }
        }
    }

    @Test
    void wordsWithNoneOneTwoAndMoreEscapesInEveryArrangement() {
        // Every pattern of escapes over two words, from a plain letter, a quote, a backslash and a line feed.
        byte[] kinds = {'a', '"', '\\', '\n'};
        byte[] src = new byte[16];
        for (int pattern = 0; pattern < 1 << 16; pattern++) {
            for (int k = 0; k < 16; k++) {
                int kind = k < 8 ? (pattern >>> (2 * k)) & 3 : (pattern >>> (2 * (k - 8))) & 1;
                src[k] = kinds[kind];
            }
            assertAgrees(src, 0, 16);
        }
    }

    @Test
    void longRangesAgree() {
        Random random = new Random(5);
        for (int length : new int[] {511, 512, 513, 8000, 8001, 65_537}) {
            byte[] src = new byte[length];
            for (int i = 0; i < length; i++) {
                src[i] = (byte) random.nextInt(128);
            }
            assertAgrees(src, 0, length);
            assertAgrees(src, 3, length - 5);
        }
    }

    /**
     * Same bytes as Jackson, written within the room asked for (the destination is exactly that
     * big, so a store past it would throw), and nothing before where they were asked to go touched.
     */
    private static void assertAgrees(byte[] src, int from, int to) {
        byte[] expected = jackson(src, from, to);
        int at = 5;
        byte[] dst = new byte[at + JsonEscape.room(to - from)];
        Arrays.fill(dst, (byte) '#');
        int end = JsonEscape.escapeAscii(src, from, to, dst, at);
        assertThat(Arrays.copyOfRange(dst, 0, at)).isEqualTo("#####".getBytes(StandardCharsets.US_ASCII));
        byte[] actual = Arrays.copyOfRange(dst, at, end);
        if (!Arrays.equals(actual, expected)) {
            assertThat(new String(actual, StandardCharsets.ISO_8859_1)).as("%s [%s, %s)", Arrays.toString(src), from, to)
                    .isEqualTo(new String(expected, StandardCharsets.ISO_8859_1));
        }
    }

    /** What Jackson writes for the range as a string value, without its quotes. */
    private static byte[] jackson(byte[] src, int from, int to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeUTF8String(src, from, to - from);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] quoted = out.toByteArray();
        return Arrays.copyOfRange(quoted, 1, quoted.length - 1);
    }
}
