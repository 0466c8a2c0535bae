package dev.fairway.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The stream path's shortcuts, now searching eight bytes at a time, answer exactly what the
 * byte-by-byte versions ({@link ReferenceScans}) answered: on OpenAI chunks cut and spliced at
 * random, and on text made of the pieces the scans care about (quotes, backslashes, backslash-u
 * escapes, the names, multi-byte UTF-8, line ends) placed at every offset.
 */
class FastScanAgreementTest {
    private static final String[] PIECES = {"\"", "\\", "\\\"", "\\\\", "\\u0075", "\\n", "u", "\"usage\"", "\"usage\":null",
        "\"usage\" : null ,", "\"usage\":{", "\"usage\":\t{", "\"usageMetadata\":{", "\"billed_units\":{", "\"metrics\":{",
        "\"amazon-bedrock-invocationMetrics\" \n: {", "\"finish_reason\":\"", "\"finish_reason\":null", "\"stop_reason\" : \"",
        "\"finishReason\":\"", "\"stopReason\":\"", "\"choices\":[]", "\"choices\":[ \n]", "[", "]", "{", "}", ",", ":", " ",
        "null", "data:", "data: ", "\r", "\n", "\r\n", "é", "€", "😀", "\u00ff", "x", "usage", "\"model\":\"gpt\"", "0"};

    @Test
    void piecesInAnyOrderGetTheSameAnswers() {
        Random random = new Random(8);
        for (int round = 0; round < 40_000; round++) {
            StringBuilder text = new StringBuilder();
            int pieces = random.nextInt(24);
            for (int i = 0; i < pieces; i++) {
                text.append(PIECES[random.nextInt(PIECES.length)]);
            }
            check(text.toString().getBytes(StandardCharsets.UTF_8), random);
        }
    }

    @Test
    void openAiChunksCutAndSplicedGetTheSameAnswers() {
        Random random = new Random(88);
        String[] chunks = {
            "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":"
                + "[{\"index\":0,\"delta\":{\"content\":\" w\\\"o\\\\rd \\u00e9 é\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n",
            "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}\r\n\r\n",
            "data: {\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":5,\"total_tokens\":14}}\n\n",
            "event: x\nid: 1\n: \"usage\":null\ndata: {\"usage\":null,\n"
                + "data: \"a\":1}\ndata: {\"usage\" : null}\ndata: [DONE]\n\n",
        };
        for (int round = 0; round < 40_000; round++) {
            byte[] a = chunks[random.nextInt(chunks.length)].getBytes(StandardCharsets.UTF_8);
            byte[] b = chunks[random.nextInt(chunks.length)].getBytes(StandardCharsets.UTF_8);
            int cut = random.nextInt(a.length + 1);
            int from = random.nextInt(b.length + 1);
            ByteArrayOutputStream spliced = new ByteArrayOutputStream();
            spliced.write(a, 0, cut);
            if (random.nextBoolean()) {
                spliced.writeBytes(PIECES[random.nextInt(PIECES.length)].getBytes(StandardCharsets.UTF_8));
            }
            spliced.write(b, from, b.length - from);
            check(spliced.toByteArray(), random);
            check(a, random);
        }
    }

    private static void check(byte[] text, Random random) {
        String what = new String(text, StandardCharsets.UTF_8) + " " + HexFormat.of().formatHex(text);
        // Longer arrays than the text: nothing past the length may count.
        byte[] longer = Arrays.copyOf(text, text.length + random.nextInt(10));
        Arrays.fill(longer, text.length, longer.length, (byte) '{');
        for (int length : new int[] {text.length, random.nextInt(text.length + 1)}) {
            boolean usage = ReferenceScans.mayHoldUsage(longer, length);
            boolean reason = ReferenceScans.mayHoldFinishReason(longer, length);
            assertThat(JsonUsageScanner.mayHoldUsage(longer, length)).as(what).isEqualTo(usage);
            assertThat(JsonUsageScanner.mayHoldFinishReason(longer, length)).as(what).isEqualTo(reason);
            assertThat(JsonUsageScanner.mayHoldUsageOrFinishReason(longer, length)).as(what).isEqualTo(usage || reason);
            assertThat(UsageChunkFilter.isUsageOnly(longer, length)).as(what).isEqualTo(ReferenceScans.isUsageOnly(longer, length));
        }
        int from = random.nextInt(text.length + 1);
        int to = from + random.nextInt(text.length - from + 1);
        for (int[] range : new int[][] {{0, text.length}, {from, to}}) {
            int at = random.nextInt(5);
            byte[] expected = new byte[at + text.length];
            byte[] actual = new byte[at + text.length];
            int expectedEnd = ReferenceScans.strip(longer, range[0], range[1], expected, at);
            assertThat(NullUsage.strip(longer, range[0], range[1], actual, at)).as(what).isEqualTo(expectedEnd);
            assertThat(actual).as(what).isEqualTo(expected);
        }
    }
}
