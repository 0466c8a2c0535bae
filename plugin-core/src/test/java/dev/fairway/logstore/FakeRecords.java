package dev.fairway.logstore;

import dev.fairway.log.spool.SpoolRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Spool records shaped like the request log's, for feeding tests (the real ones need a gateway). */
final class FakeRecords {
    private FakeRecords() {}

    static SpoolRecord request(String id, String route, long at) {
        return request(id, route, at, 0);
    }

    /** As {@link #request(String, String, long)}, with a logged answer of {@code payloadBytes} bytes when above 0. */
    static SpoolRecord request(String id, String route, long at, int payloadBytes) {
        String payload = payloadBytes > 0 ? ",\"response_payload\":\"" + "x".repeat(payloadBytes) + "\"" : "";
        return new SpoolRecord() {
            @Override
            public byte[] render(Link link) {
                return ("{\"seq\":" + link.seq() + ",\"prev_hash\":\"" + link.prevHash() + "\",\"prev_id\":"
                        + (link.prevId() == null ? "null" : "\"" + link.prevId() + "\"") + ",\"log_id\":\"" + id
                        + "\",\"event_id\":\"ev-" + id + "\",\"created_at\":\"" + Instant.ofEpochMilli(at)
                        + "\",\"duration_ms\":12.5,\"ttfb_ms\":3.0,\"route\":\"" + route + "\",\"provider\":\"openai\","
                        + "\"model\":\"gpt-4o\",\"status\":200,\"success\":true,\"cached\":false,\"error_type\":null,"
                        + "\"tokens_in\":10,\"tokens_out\":5,\"tokens_cached\":0,\"cost_usd\":0.001,\"metadata\":{\"team\":\"a\"}" + payload + "}")
                        .getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public String logId() {
                return id;
            }
        };
    }

    /** A tombstone line (an erasure through DELETE /logs) naming {@code erased}. */
    static SpoolRecord tombstone(String id, java.util.List<String> erased) {
        return new SpoolRecord() {
            @Override
            public byte[] render(Link link) {
                return ("{\"seq\":" + link.seq() + ",\"prev_hash\":\"" + link.prevHash() + "\",\"log_id\":\"" + id
                        + "\",\"kind\":\"tombstone\",\"at\":\"" + Instant.ofEpochMilli(0) + "\",\"filter\":\"test\","
                        + "\"erased\":[" + String.join(",", erased.stream().map(e -> "\"" + e + "\"").toList()) + "]}")
                        .getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public String logId() {
                return id;
            }
        };
    }
}
