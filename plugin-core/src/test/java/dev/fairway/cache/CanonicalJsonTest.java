package dev.fairway.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {
    private static String canonical(String json) throws IOException {
        return new String(CanonicalJson.of(json.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    @Test
    void sortsMembersAtEveryDepthAndDropsWhitespace() throws IOException {
        assertThat(canonical(" { \"b\" : 1 , \"a\" : { \"d\" : [ 3 , { \"z\":1, \"y\":2 } ] , \"c\" : null } } "))
                .isEqualTo("{\"a\":{\"c\":null,\"d\":[3,{\"y\":2,\"z\":1}]},\"b\":1}");
    }

    @Test
    void keepsArrayOrderAndNumbersExactlyAsWritten() throws IOException {
        assertThat(canonical("[3, 1.0, 1, -0, 1e3, 12345678901234567890123, 0.1000]"))
                .isEqualTo("[3,1.0,1,-0,1e3,12345678901234567890123,0.1000]");
    }

    @Test
    void writesEveryStringOneWay() throws IOException {
        assertThat(canonical("{\"k\":\"\\u0041\\/\\n\\\"\\u00e9\\ud83d\\ude00\"}"))
                .isEqualTo(canonical("{\"k\":\"A/\\u000a\\\"é😀\"}"))
                .isEqualTo("{\"k\":\"A/\\u000a\\\"é😀\"}");
    }

    @Test
    void threeAndFourByteCharactersAreWrittenAsThemselves() throws IOException {
        // U+0800..U+FFFF take three bytes in UTF-8 (the private use area and U+FFFF included), U+10000 and up four.
        String three = "\u0800\u20AC\u4E2D\uD7FF\uE000\uFFFD\uFFFF";
        String four = "\uD800\uDC00\uD83D\uDE00\uDBFF\uDFFF";
        assertThat(canonical("{\"" + three + "\":\"" + four + three + "\",\"a\":\"x" + three + "\"}"))
                .isEqualTo("{\"a\":\"x" + three + "\",\"" + three + "\":\"" + four + three + "\"}");
        assertThat(canonical("[\"\\u0800\\u20ac\\uffff\\ud83d\\ude00\"]")).isEqualTo("[\"\u0800\u20AC\uFFFF\uD83D\uDE00\"]");
        // A lone surrogate (only an escape can spell one) keeps its three-byte form.
        assertThat(CanonicalJson.of("[\"\\ud800\"]".getBytes(StandardCharsets.UTF_8)))
                .containsExactly('[', '"', 0xED, 0xA0, 0x80, '"', ']');
    }

    @Test
    void anyMixOfOneToFourByteCharactersComesOutAsItWentIn() throws IOException {
        Random random = new Random(21);
        int[][] ranges = {{0x20, 0x7F}, {0x80, 0x7FF}, {0x800, 0xD7FF}, {0xE000, 0xFFFF}, {0x10000, 0x10FFFF}};
        for (int round = 0; round < 300; round++) {
            StringBuilder text = new StringBuilder("p".repeat(random.nextInt(40)));
            for (int i = random.nextInt(200); i > 0; i--) {
                int[] r = ranges[random.nextInt(ranges.length)];
                int cp = r[0] + random.nextInt(r[1] - r[0] + 1);
                if (cp != '"' && cp != '\\') {
                    text.appendCodePoint(cp);
                }
            }
            String json = "{\"k\":\"" + text + "\"}";
            assertThat(CanonicalJson.of(json.getBytes(StandardCharsets.UTF_8))).as("round %d", round)
                    .isEqualTo(json.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void escapesThatOutgrowTheDocumentAfterAPlainPrefixAreAllWritten() throws IOException {
        // Each escaped newline (2 bytes in) is written as a 6-byte unicode escape, so the output
        // outgrows the input part-way through a string that starts plain.
        String plain = "x".repeat(3000);
        String escapes = "\\n".repeat(1000);
        assertThat(canonical("{\"k\":\"" + plain + escapes + "é\"}"))
                .isEqualTo("{\"k\":\"" + plain + "\\u000a".repeat(1000) + "é\"}");
    }

    @Test
    void memberNamesAreEscapedAndSortedLikeValues() throws IOException {
        assertThat(canonical("{\"é\":1,\"a\\\"b\":2,\"\":3}")).isEqualTo("{\"\":3,\"a\\\"b\":2,\"é\":1}");
    }

    @Test
    void duplicateNamesKeepTheirOrder() throws IOException {
        assertThat(canonical("{\"b\":0,\"a\":2,\"a\":1}")).isEqualTo("{\"a\":2,\"a\":1,\"b\":0}");
    }

    @Test
    void emptyContainersAndScalars() throws IOException {
        assertThat(canonical("{ }")).isEqualTo("{}");
        assertThat(canonical("[ ]")).isEqualTo("[]");
        assertThat(canonical(" true ")).isEqualTo("true");
    }

    @Test
    void aLargeBodyInAnyMemberOrderGivesTheSameBytes() throws IOException {
        Random random = new Random(7);
        StringBuilder forward = new StringBuilder("{");
        StringBuilder backward = new StringBuilder();
        int n = 1500;
        for (int i = 0; i < n; i++) {
            String member = "\"m" + i + "\":{\"role\":\"user\",\"content\":\"" + Long.toHexString(random.nextLong()) + "\",\"n\":" + i + "}";
            forward.append(i == 0 ? "" : ",").append(member);
            backward.insert(0, member + (i == 0 ? "" : ",\n  "));
        }
        forward.append('}');
        String reversed = "{\n  " + backward + "\n}";
        assertThat(forward.length()).isGreaterThan(64 * 1024);

        assertThat(canonical(reversed)).isEqualTo(canonical(forward.toString()));
    }

    @Test
    void refusesWhatIsNotOneJsonValue() {
        assertThatThrownBy(() -> canonical("{\"a\":1} {}")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> canonical("{\"a\":")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> canonical("")).isInstanceOf(IOException.class);
    }
}
