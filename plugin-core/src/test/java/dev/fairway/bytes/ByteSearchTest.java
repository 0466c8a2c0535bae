package dev.fairway.bytes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The eight-bytes-at-a-time search answers exactly what a byte-by-byte loop answers, on every range. */
class ByteSearchTest {
    /** Bytes a match can hide among: the wanted ones, their neighbours, zero, and the high-bit bytes the trick must not mark. */
    private static final byte[] ALPHABET = {'"', '\\', 'u', 's', '\r', '\n', '[', ']', 0, 1, 0x7F, (byte) 0x80, (byte) 0x81,
        (byte) 0xA2, (byte) 0xC3, (byte) 0xE2, (byte) 0xFF, ' ', 'a', (byte) ('"' ^ 0x80)};
    private static final byte[][] NEEDLES = {bytes("\"usage\""), bytes("\"u"), bytes("\""), bytes(""), bytes("uu"),
        {(byte) 0xE2, (byte) 0x82, (byte) 0xAC}, bytes("\"usa"), bytes("\"usage\\"), bytes("\"usage\"\"usage\""),
        bytes("\"usage\"\"usage\"\"usage\""), bytes("\"usag"), bytes("\"us")};

    @Test
    void theZeroByteMaskMarksExactlyTheZeroBytes() {
        for (int pos = 0; pos < 8; pos++) {
            for (int v = 0; v < 256; v++) {
                for (long fill : new long[] {0, 0x0101010101010101L, 0x8080808080808080L, -1L}) {
                    long x = fill & ~(0xFFL << (8 * pos)) | (long) v << (8 * pos);
                    long expected = 0;
                    for (int k = 0; k < 8; k++) {
                        if ((x >>> (8 * k) & 0xFF) == 0) {
                            expected |= 0x80L << (8 * k);
                        }
                    }
                    assertThat(ByteSearch.zeros(x)).as("%016x", x).isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void everySubRangeOfSmallArraysAgreesWithALoop() {
        Random random = new Random(8);
        for (int round = 0; round < 300; round++) {
            byte[] a = randomBytes(random, random.nextInt(40));
            for (int from = 0; from <= a.length; from++) {
                for (int to = from; to <= a.length; to++) {
                    check(a, from, to);
                }
            }
        }
    }

    @Test
    void longArraysAgreeWithALoop() {
        Random random = new Random(88);
        for (int round = 0; round < 2_000; round++) {
            byte[] a = randomBytes(random, random.nextInt(600));
            int from = random.nextInt(a.length + 1);
            int to = from + random.nextInt(a.length - from + 1);
            check(a, from, to);
        }
    }

    /** One match placed at each offset around the words' edges and the range's end, in a range otherwise without it. */
    @Test
    void aLoneMatchIsFoundAtEveryOffset() {
        for (int length = 0; length <= 40; length++) {
            for (int at = 0; at < length; at++) {
                byte[] a = new byte[length + 3];
                java.util.Arrays.fill(a, (byte) 'x');
                a[at] = '"';
                for (int from = 0; from <= at; from++) {
                    assertThat(ByteSearch.indexOf(a, from, length, (byte) '"')).isEqualTo(at);
                    assertThat(ByteSearch.indexOf(a, from, length, (byte) 'q', (byte) '"')).isEqualTo(at);
                    assertThat(ByteSearch.indexOf(ByteBuffer.wrap(a), from, length, (byte) '"', (byte) 'q')).isEqualTo(at);
                }
                // Beyond the range's end it is not found, though the array goes on.
                assertThat(ByteSearch.indexOf(a, 0, at, (byte) '"')).isEqualTo(-1);
                assertThat(ByteSearch.indexOf(a, 0, at, (byte) '"', (byte) 'q')).isEqualTo(-1);
            }
        }
    }

    @Test
    void aWordsMarksAreItsMatchingBytesInOrder() {
        Random random = new Random(888);
        for (int round = 0; round < 20_000; round++) {
            byte[] a = randomBytes(random, 8 + random.nextInt(9));
            int i = random.nextInt(a.length - 7);
            byte b = ALPHABET[random.nextInt(ALPHABET.length)];
            byte c = ALPHABET[random.nextInt(ALPHABET.length)];
            StringBuilder expected = new StringBuilder();
            StringBuilder actual = new StringBuilder();
            for (int k = i; k < i + 8; k++) {
                if (a[k] == b || a[k] == c) {
                    expected.append(k).append(' ');
                }
            }
            for (long m = ByteSearch.marks(a, i, b, c); m != 0; m &= m - 1) {
                actual.append(i + ByteSearch.offset(m)).append(' ');
            }
            assertThat(actual.toString()).isEqualTo(expected.toString());
        }
    }

    @Test
    void rangesOutsideTheArrayAreRefused() {
        byte[] a = new byte[10];
        assertThatThrownBy(() -> ByteSearch.indexOf(a, 5, 11, (byte) 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> ByteSearch.indexOf(a, 6, 5, (byte) 0, (byte) 1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> ByteSearch.indexOf(a, -1, 5, NEEDLES[0])).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> ByteSearch.indexOf(ByteBuffer.wrap(a, 0, 4), 0, 5, (byte) 0, (byte) 1))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    private static void check(byte[] a, int from, int to) {
        for (byte b : ALPHABET) {
            assertThat(ByteSearch.indexOf(a, from, to, b)).isEqualTo(loop(a, from, to, b, b));
            byte c = ALPHABET[(b & 0xFF) % ALPHABET.length];
            int expected = loop(a, from, to, b, c);
            assertThat(ByteSearch.indexOf(a, from, to, b, c)).isEqualTo(expected);
            ByteBuffer heap = ByteBuffer.wrap(a);
            assertThat(ByteSearch.indexOf(heap, from, to, b, c)).isEqualTo(expected);
            assertThat(ByteSearch.indexOf(heap.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN), from, to, b, c)).isEqualTo(expected);
            ByteBuffer direct = ByteBuffer.allocateDirect(a.length).put(a).clear();
            assertThat(ByteSearch.indexOf(direct.position(from), from, to, b, c)).isEqualTo(expected);
        }
        for (byte[] needle : NEEDLES) {
            assertThat(ByteSearch.indexOf(a, from, to, needle)).isEqualTo(loop(a, from, to, needle));
            for (int i = from - 1; i <= to; i++) {
                boolean expected = i >= 0 && loop(a, i, Math.min(to, i + needle.length), needle) == i;
                assertThat(ByteSearch.startsWith(a, i, to, needle)).isEqualTo(expected);
            }
        }
        assertThat(ByteSearch.indexOf(a, from, to, new byte[] {a.length > 0 ? a[a.length / 2] : 0, 'u'})).isEqualTo(
                loop(a, from, to, new byte[] {a.length > 0 ? a[a.length / 2] : 0, 'u'}));
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] a = new byte[n];
        for (int i = 0; i < n; i++) {
            a[i] = random.nextInt(6) == 0 ? (byte) random.nextInt(256) : ALPHABET[random.nextInt(ALPHABET.length)];
        }
        // Plant needles now and then, so full matches are common enough to test.
        for (int k = random.nextInt(3); k > 0; k--) {
            byte[] needle = NEEDLES[random.nextInt(NEEDLES.length)];
            if (needle.length <= n) {
                System.arraycopy(needle, 0, a, random.nextInt(n - needle.length + 1), needle.length);
            }
        }
        return a;
    }

    @Test
    void theCommonSuffixIsWhatALoopFindsAtEveryLength() {
        Random random = new Random(8888);
        for (int round = 0; round < 20_000; round++) {
            byte[] tail = new byte[random.nextInt(40)];
            for (int i = 0; i < tail.length; i++) {
                tail[i] = ALPHABET[random.nextInt(ALPHABET.length)];
            }
            byte[] a = withTail(random, tail);
            byte[] b = withTail(random, tail);
            int aTo = random.nextBoolean() ? a.length : random.nextInt(a.length + 1);
            int bTo = random.nextBoolean() ? b.length : random.nextInt(b.length + 1);
            int aFrom = random.nextInt(aTo + 1);
            int bFrom = random.nextInt(bTo + 1);
            int expected = 0;
            while (expected < Math.min(aTo - aFrom, bTo - bFrom) && a[aTo - expected - 1] == b[bTo - expected - 1]) {
                expected++;
            }
            assertThat(ByteSearch.commonSuffix(a, aFrom, aTo, b, bFrom, bTo)).isEqualTo(expected);
        }
    }

    private static byte[] withTail(Random random, byte[] tail) {
        byte[] a = new byte[random.nextInt(20) + tail.length];
        for (int i = 0; i < a.length - tail.length; i++) {
            a[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        System.arraycopy(tail, 0, a, a.length - tail.length, tail.length);
        return a;
    }

    private static int loop(byte[] a, int from, int to, byte b, byte c) {
        for (int i = from; i < to; i++) {
            if (a[i] == b || a[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static int loop(byte[] a, int from, int to, byte[] needle) {
        outer:
        for (int i = from; i + needle.length <= to; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (a[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
