package dev.fairway.log;

import dev.fairway.pipeline.Usage;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Log entries as the log step would capture them, for tests below the gateway. */
final class Entries {
    private Entries() {}

    static LogEntry entry(String logId) {
        return entry(logId, 1_764_000_000_000L, null, null);
    }

    static LogEntry entry(String logId, long startMillis, String requestBody, Set<String> redact) {
        return entry(logId, startMillis, requestBody == null ? null : requestBody.getBytes(StandardCharsets.UTF_8),
                requestBody == null ? null : new byte[0], redact);
    }

    /** An entry whose payloads are these bytes as they came (null: not captured). */
    static LogEntry entry(String logId, long startMillis, byte[] requestBody, byte[] responseBody, Set<String> redact) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("tenant", "acme");
        metadata.put("n", 3L);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        return new LogEntry(logId, "evt-" + logId, startMillis, 12_345_678, 1_000_000, "default", "openai", "gpt-4o-mini",
                "POST", "/v1/chat/completions", 200, true, false, 0, 1, null, new Usage(10, 20, 0), 0.0000135, false,
                metadata, 42, 1024, false, "c0ffee", headers,
                requestBody, responseBody, false,
                redact == null ? Redactor.NONE : Redactor.of(redact), false, java.util.List.of(), java.util.List.of(), null, dev.fairway.plan.Choices.NONE, null);
    }
}
