package dev.fairway.logstore;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The admin Logs API over the store, as JSON in Cloudflare's envelope ({@code success}, {@code result},
 * {@code result_info}). Called off the event loop; bad input is a {@link GatewayError} naming the
 * parameter or field.
 */
public final class LogsApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_METADATA = 5;

    private static final java.time.Duration CATCH_UP = java.time.Duration.ofSeconds(2);
    private final LogStoreStage stage;

    public LogsApi(LogStoreStage stage) {
        this.stage = requireNonNull(stage, "stage");
    }

    /** {@code GET /analytics}, computed from the store. */
    public byte[] analytics(dev.fairway.analytics.AnalyticsStage analytics, Map<String, List<String>> params) {
        stage.catchUp(CATCH_UP);
        return analytics.query(params, stage.store());
    }

    /** {@code GET /logs}. */
    public byte[] list(Map<String, List<String>> params) {
        LogQuery q = LogQuery.parse(params);
        stage.catchUp(CATCH_UP);
        LogPage page = stage.store().list(q.filter(), q.sort(), q.ascending(), q.cursor(), q.limit());
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("count", page.logs().size());
        info.put("per_page", q.limit());
        info.put("next_cursor", page.next() == null ? null : page.next().encode());
        return envelope(page.logs().stream().map(LogsApi::summary).toList(), info);
    }

    /** {@code GET /logs/{id}}: the record as written (bodies redacted), with feedback, score and current metadata. */
    public byte[] get(String logId) {
        stage.catchUp(CATCH_UP);
        StoredLog log = stage.store().get(logId).orElseThrow(() -> notFound(logId));
        ObjectNode record;
        try {
            record = log.record() == null ? JSON.createObjectNode() : (ObjectNode) JSON.readTree(log.record());
            record.set("metadata", JSON.readTree(log.metadata()));
        } catch (IOException | ClassCastException e) {
            throw new IllegalStateException("log " + logId + " holds an unreadable record", e);
        }
        record.put("node", log.node());
        record.set("feedback", log.feedback() == null ? null : JSON.getNodeFactory().numberNode(log.feedback()));
        record.set("score", log.score() == null ? null : JSON.getNodeFactory().numberNode(log.score()));
        Map<String, Object> stream = StreamText.of(record.path("response_body").isTextual()
                ? record.path("response_body").asText() : null);
        if (stream != null) {
            record.set("response_stream", JSON.valueToTree(stream));
        }
        return envelope(record, null);
    }

    /** {@code PATCH /logs/{id}} with {@code {"feedback": -1|0|1, "score": 0..100, "metadata": {...}}}. */
    public byte[] patch(String logId, byte[] body) {
        JsonNode n;
        try {
            n = JSON.readTree(body);
        } catch (IOException e) {
            throw GatewayError.invalidField("body", "body: not JSON (expected: {\"feedback\":1,\"score\":90,\"metadata\":{...}})");
        }
        if (n == null || !n.isObject()) {
            throw GatewayError.invalidField("body", "body: not a JSON object (expected: {\"feedback\":1,\"score\":90,\"metadata\":{...}})");
        }
        n.fieldNames().forEachRemaining(f -> {
            if (!f.equals("feedback") && !f.equals("score") && !f.equals("metadata")) {
                throw GatewayError.invalidField(f, f + ": unknown field (expected: feedback, score, metadata)");
            }
        });
        Integer feedback = integer(n, "feedback", -1, 1);
        Integer score = integer(n, "score", 0, 100);
        String metadata = null;
        if (n.has("metadata")) {
            JsonNode m = n.get("metadata");
            if (!m.isObject() || m.size() > MAX_METADATA) {
                throw GatewayError.invalidField("metadata", "metadata: " + (m.isObject() ? m.size() + " entries" : m.getNodeType())
                        + " (expected: an object of at most " + MAX_METADATA + " string, number or boolean values)");
            }
            m.fields().forEachRemaining(e -> {
                if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                    throw GatewayError.invalidField("metadata." + e.getKey(), "metadata." + e.getKey()
                            + ": " + e.getValue().getNodeType() + " (expected: a string, number or boolean)");
                }
            });
            metadata = m.toString();
        }
        if (!stage.store().patch(logId, feedback, score, metadata)) {
            throw notFound(logId);
        }
        return get(logId);
    }

    /**
     * {@code DELETE /logs?<filters>}: erases the selected records and records a tombstone in the hash
     * chain naming them. At least one filter is required.
     */
    public byte[] delete(Map<String, List<String>> params) {
        LogQuery q = LogQuery.parse(params);
        if (q.filter().isEmpty()) {
            throw LogQuery.bad("filter", "DELETE /logs needs at least one filter (expected one of: from, to, route,"
                    + " provider, model, status, success, cached, metadata.<key>, log_id, event_id, min_cost, min_duration)");
        }
        stage.catchUp(CATCH_UP);
        List<String> erased = stage.store().delete(q.filter());
        if (!erased.isEmpty()) {
            try {
                stage.logs().tombstone(erased, describe(params)).get(15, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw GatewayError.of(ErrorType.SERVICE_UNAVAILABLE, "erasure interrupted before its tombstone was written");
            } catch (ExecutionException | TimeoutException e) {
                throw GatewayError.of(ErrorType.SERVICE_UNAVAILABLE,
                        "records erased from the store, but the tombstone did not reach the spool: " + e);
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("deleted", erased.size());
        result.put("log_ids", erased);
        return envelope(result, null);
    }

    private static String describe(Map<String, List<String>> params) {
        StringBuilder sb = new StringBuilder();
        new java.util.TreeMap<>(params).forEach((k, v) -> sb.append(sb.isEmpty() ? "" : "&").append(k).append('=').append(v.get(0)));
        return sb.toString();
    }

    private static Integer integer(JsonNode n, String field, int min, int max) {
        if (!n.has(field) || n.get(field).isNull()) {
            return null;
        }
        JsonNode v = n.get(field);
        if (!v.canConvertToExactIntegral() || v.asLong() < min || v.asLong() > max) {
            throw GatewayError.invalidField(field, field + ": " + v + " (expected: an integer from " + min + " to " + max + ")");
        }
        return v.asInt();
    }

    static Map<String, Object> summary(StoredLog l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("log_id", l.logId());
        m.put("event_id", l.eventId());
        m.put("created_at", Instant.ofEpochMilli(l.createdAt()).toString());
        m.put("route", l.route());
        m.put("provider", l.provider());
        m.put("model", l.model());
        m.put("status", l.status());
        m.put("success", l.success());
        m.put("cached", l.cached());
        m.put("error_type", l.errorType());
        m.put("duration_ms", l.durationMs());
        m.put("ttfb_ms", l.ttfbMs());
        m.put("tokens_in", l.tokensIn());
        m.put("tokens_out", l.tokensOut());
        m.put("cost_usd", l.costUsd());
        try {
            m.put("metadata", JSON.readTree(l.metadata()));
        } catch (IOException e) {
            m.put("metadata", null);
        }
        m.put("feedback", l.feedback());
        m.put("score", l.score());
        return m;
    }

    private static GatewayError notFound(String logId) {
        return GatewayError.of(ErrorType.NOT_FOUND, "log %s: not in the log store (erased, past retention, or not written yet)",
                logId.length() > 64 ? logId.substring(0, 64) + "..." : logId).with("parameter", "id");
    }

    private static byte[] envelope(Object result, Map<String, Object> info) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("success", true);
        out.put("result", result);
        if (info != null) {
            out.put("result_info", info);
        }
        try {
            return JSON.writeValueAsBytes(out);
        } catch (IOException e) {
            throw new IllegalStateException("a logs answer always serialises", e);
        }
    }
}
