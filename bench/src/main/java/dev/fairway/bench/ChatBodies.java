package dev.fairway.bench;

import java.nio.charset.StandardCharsets;

/**
 * Chat completion request bodies of a chosen size, shaped like real ones: a system prompt, a few
 * turns, sampling parameters. The text is varied words, not one repeated byte, so that parsing and
 * hashing do the work they would do on a real prompt.
 */
public final class ChatBodies {
    private static final String[] WORDS = {"gateway", "latency", "token", "stream", "answer", "provider", "cache",
        "quota", "model", "prompt", "route", "policy", "budget", "header", "chunk", "window", "credential", "retry"};

    private ChatBodies() {}

    /**
     * A body of about {@code bytes} bytes (never less); {@code salt} goes into the last user message,
     * so different salts give different cache keys.
     */
    public static byte[] chat(int bytes, boolean stream, String salt) {
        StringBuilder b = new StringBuilder(bytes + 256);
        b.append("{\"model\":\"gpt-4o-mini\",\"temperature\":0.2,\"max_tokens\":256,");
        if (stream) {
            b.append("\"stream\":true,");
        }
        b.append("\"messages\":[{\"role\":\"system\",\"content\":\"You are a concise assistant. Answer in one paragraph.\"}");
        int turn = 0;
        while (b.length() < bytes - 120) {
            b.append(",{\"role\":\"").append(turn % 2 == 0 ? "user" : "assistant").append("\",\"content\":\"");
            int target = Math.min(b.length() + 400, bytes - 120);
            for (int w = turn; b.length() < target; w++) {
                b.append(WORDS[(w * 7 + turn) % WORDS.length]).append(' ');
            }
            b.append("\"}");
            turn++;
        }
        b.append(",{\"role\":\"user\",\"content\":\"Summarise the above. ").append(salt).append("\"}]}");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }
}
