package dev.fairway.logstore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fairway.analytics.LatencyHistogram;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** Reads one spool line: a request record, a tombstone, or something the store does not keep. */
final class SpoolLines {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SpoolLines() {}

    /** What a line is to the store. */
    sealed interface Line permits Request, Erasure, Other {
        long seq();
    }

    record Request(long seq, StoredLog log) implements Line {}

    record Erasure(long seq, List<String> erased) implements Line {}

    /** A segment header, a host note, or a line that cannot be read (the verifier reports those). */
    record Other(long seq) implements Line {}

    static Line parse(byte[] line, String node) {
        JsonNode n;
        try {
            n = MAPPER.readTree(line);
        } catch (IOException e) {
            return new Other(-1);
        }
        if (n == null || !n.isObject() || !n.has("seq")) {
            return new Other(-1);
        }
        long seq = n.path("seq").asLong();
        String kind = n.path("kind").asText("");
        if (kind.equals("tombstone")) {
            List<String> ids = new ArrayList<>();
            n.path("erased").forEach(id -> ids.add(id.asText()));
            return new Erasure(seq, ids);
        }
        if (!kind.isEmpty() || !n.hasNonNull("log_id") || !n.hasNonNull("created_at")) {
            return new Other(seq);
        }
        long created;
        try {
            created = Instant.parse(n.path("created_at").asText()).toEpochMilli();
        } catch (DateTimeParseException e) {
            return new Other(seq);
        }
        double duration = n.path("duration_ms").asDouble();
        Double ttfb = n.path("ttfb_ms").isNumber() ? n.path("ttfb_ms").asDouble() : null;
        return new Request(seq, new StoredLog(n.path("log_id").asText(), text(n, "event_id"), node, seq, created,
                duration, ttfb, LatencyHistogram.bucketOf(duration), ttfb == null ? -1 : LatencyHistogram.bucketOf(ttfb),
                text(n, "route"), text(n, "provider"), text(n, "model"), n.path("status").asInt(),
                n.path("success").asBoolean(), n.path("cached").asBoolean(), text(n, "error_type"),
                number(n, "tokens_in"), number(n, "tokens_out"), number(n, "tokens_cached"),
                n.path("cost_usd").isNumber() ? n.path("cost_usd").asDouble() : null,
                n.path("metadata").isObject() ? n.path("metadata").toString() : "{}", null, null,
                new String(line, java.nio.charset.StandardCharsets.UTF_8)));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Long number(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || !v.isNumber() ? null : v.asLong();
    }
}
