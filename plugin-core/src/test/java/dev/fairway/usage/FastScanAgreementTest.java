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

    @Test
    void anEventScannedOnlyWhereItDiffersFromThePreviousGetsTheSameAnswers() {
        Random random = new Random(888);
        String[] spaces = {" ", "\t", "\n", "\r", ":", " : ", "\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n"};
        int ranged = 0;
        for (int round = 0; round < 200_000; round++) {
            StringBuilder text = new StringBuilder();
            int pieces = random.nextInt(24);
            for (int i = 0; i < pieces; i++) {
                text.append(random.nextInt(4) == 0 ? spaces[random.nextInt(spaces.length)] : PIECES[random.nextInt(PIECES.length)]);
            }
            byte[] previous = text.toString().getBytes(StandardCharsets.UTF_8);
            // The next event: the previous one with a piece put in, taken out or replaced somewhere.
            int at = random.nextInt(previous.length + 1);
            int removed = random.nextInt(Math.min(6, previous.length - at) + 1);
            String piece = switch (random.nextInt(3)) {
                case 0 -> "";
                case 1 -> spaces[random.nextInt(spaces.length)];
                default -> PIECES[random.nextInt(PIECES.length)];
            };
            ByteArrayOutputStream next = new ByteArrayOutputStream();
            next.write(previous, 0, at);
            next.writeBytes(piece.getBytes(StandardCharsets.UTF_8));
            next.write(previous, at + removed, previous.length - at - removed);
            byte[] data = next.toByteArray();
            long range = SseFrames.changed(previous, previous.length, data, data.length);
            int from = (int) (range >>> 32);
            int to = (int) range;
            String what = new String(previous, StandardCharsets.UTF_8) + " then " + new String(data, StandardCharsets.UTF_8);
            if (!ReferenceScans.mayHoldUsage(previous, previous.length) && !ReferenceScans.mayHoldFinishReason(previous, previous.length)) {
                ranged++;
                assertThat(JsonUsageScanner.mayHoldUsageOrFinishReason(data, data.length, from, to)).as(what)
                        .isEqualTo(ReferenceScans.mayHoldUsage(data, data.length) || ReferenceScans.mayHoldFinishReason(data, data.length));
            }
            if (!UsageChunkFilter.hasEmptyArray(previous, 0, previous.length, previous.length)) {
                assertThat(UsageChunkFilter.hasEmptyArray(data, from, to, data.length)).as(what)
                        .isEqualTo(UsageChunkFilter.hasEmptyArray(data, 0, data.length, data.length));
            }
        }
        assertThat(ranged).isGreaterThan(10_000);
        // The window must cover the longest name a scan compares, quoted.
        int longest = java.util.stream.Stream.concat(JsonUsageScanner.ROOTS.stream(),
                java.util.stream.Stream.of("finish_reason", "stop_reason", "finishReason", "stopReason")).mapToInt(String::length).max().orElseThrow();
        assertThat(SseFrames.WINDOW).isGreaterThan(longest + 2);
    }

    @Test
    void linesWalkedOnlyWhereTheyDifferFromTheLineBeforeLoseTheSameMember() {
        Random random = new Random(8888);
        String head = "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"";
        String tail = "\"},\"finish_reason\":null}],\"service_tier\":\"default\",\"usage\":null,\"x\":[1,{\"a\":2}],\"y\":3}";
        for (int stream = 0; stream < 3_000; stream++) {
            NullUsage.Lines lines = new NullUsage.Lines();
            byte[] line = (head + "hi" + tail).getBytes(StandardCharsets.UTF_8);
            for (int event = 0; event < 30; event++) {
                // The next line: the one before with pieces put in, taken out or replaced anywhere.
                int edits = 1 + random.nextInt(3);
                for (int e = 0; e < edits; e++) {
                    int at = random.nextInt(line.length + 1);
                    int removed = random.nextInt(Math.min(8, line.length - at) + 1);
                    String piece = random.nextInt(3) == 0 ? "" : PIECES[random.nextInt(PIECES.length)];
                    ByteArrayOutputStream next = new ByteArrayOutputStream();
                    next.write(line, 0, at);
                    next.writeBytes(piece.getBytes(StandardCharsets.UTF_8));
                    next.write(line, at + removed, line.length - at - removed);
                    line = next.toByteArray();
                }
                if (random.nextInt(8) == 0) {
                    line = (head + " w" + event + tail).getBytes(StandardCharsets.UTF_8);
                }
                // The line somewhere in a larger array, as in the filter's pending bytes.
                int before = random.nextInt(6);
                byte[] src = new byte[before + line.length + random.nextInt(6)];
                Arrays.fill(src, (byte) '{');
                System.arraycopy(line, 0, src, before, line.length);
                byte[] expected = new byte[line.length + 3];
                byte[] actual = new byte[line.length + 3];
                int expectedEnd = ReferenceScans.strip(src, before, before + line.length, expected, 3);
                String what = new String(line, StandardCharsets.UTF_8);
                assertThat(lines.strip(src, before, before + line.length, actual, 3)).as(what).isEqualTo(expectedEnd);
                assertThat(actual).as(what).isEqualTo(expected);
            }
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
