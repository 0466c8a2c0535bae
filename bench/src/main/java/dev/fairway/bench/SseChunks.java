package dev.fairway.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An OpenAI chat completion stream as a provider sends it, one network chunk per event: content
 * chunks, the finishing chunk, the usage chunk the gateway asked for, and {@code [DONE]}.
 */
public final class SseChunks {
    private SseChunks() {}

    public static List<byte[]> openAi(int contentChunks) {
        return openAi(contentChunks, "");
    }

    /**
     * The stream OpenAI sends once asked for usage ({@code stream_options.include_usage}, as the
     * gateway asks on a client's behalf): every chunk but the usage chunk also carries
     * {@code "usage":null}, which the gateway removes again.
     */
    public static List<byte[]> openAiAskedForUsage(int contentChunks) {
        return openAi(contentChunks, ",\"usage\":null");
    }

    private static List<byte[]> openAi(int contentChunks, String nullUsage) {
        List<byte[]> out = new ArrayList<>(contentChunks + 3);
        String head = "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1767225600,"
                + "\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_bench\",\"choices\":[";
        for (int i = 0; i < contentChunks; i++) {
            String delta = i == 0 ? "{\"role\":\"assistant\",\"content\":\"Echo:\"}" : "{\"content\":\" word" + i + "\"}";
            out.add(bytes(head + "{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":null}]" + nullUsage + "}\n\n"));
        }
        out.add(bytes(head + "{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]" + nullUsage + "}\n\n"));
        out.add(bytes(head + "],\"usage\":{\"prompt_tokens\":412,\"completion_tokens\":" + contentChunks
                + ",\"total_tokens\":" + (412 + contentChunks) + "}}\n\n"));
        out.add(bytes("data: [DONE]\n\n"));
        return out;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
