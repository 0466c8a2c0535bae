package dev.fairway.logstore;

import dev.fairway.analytics.LatencyHistogram;

/** Test records with the columns that matter to a test and plausible values for the rest. */
final class TestRows {
    private TestRows() {}

    static StoredLog row(String id, long seq, long createdAt, String route, String provider, String model, int status,
                         Double cost, double durationMs, String metadata) {
        boolean success = status < 400;
        String record = "{\"seq\":" + seq + ",\"log_id\":\"" + id + "\",\"route\":\"" + route + "\",\"request_body\":\"{}\"}";
        return new StoredLog(id, "ev-" + id, "node-a", seq, createdAt, durationMs, durationMs / 2,
                LatencyHistogram.bucketOf(durationMs), LatencyHistogram.bucketOf(durationMs / 2), route, provider, model,
                status, success, status == 200 && cost == null, false, success ? null : "http_" + status, 10L, 20L, 0L, cost,
                metadata, null, null, record.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
