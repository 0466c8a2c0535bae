package dev.fairway.logstore;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fairway.analytics.LatencyHistogram;
import java.io.IOException;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

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

    /** @param line owned by the result from here on: its request keeps it as the record's line */
    static Line parse(byte[] line, String node) {
        JsonNode n;
        try {
            n = fields(line);
        } catch (IOException e) {
            return new Other(-1);
        }
        return read(n, line, node);
    }

    /** The line as the store sees it, from {@code n}: the whole line's tree, or only its {@link #READ} fields. */
    static Line read(JsonNode n, byte[] line, String node) {
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
            created = InstantText.epochMillis(n.path("created_at").asText());
        } catch (DateTimeParseException e) {
            return new Other(seq);
        }
        double duration = n.path("duration_ms").asDouble();
        Double ttfb = n.path("ttfb_ms").isNumber() ? n.path("ttfb_ms").asDouble() : null;
        return new Request(seq, new StoredLog(n.path("log_id").asText(), text(n, "event_id"), node, seq, created,
                duration, ttfb, LatencyHistogram.bucketOf(duration), ttfb == null ? -1 : LatencyHistogram.bucketOf(ttfb),
                text(n, "route"), text(n, "provider"), text(n, "model"), n.path("status").asInt(),
                n.path("success").asBoolean(), n.path("cached").asBoolean(),
                "semantic".equals(n.path("cache_match").asText()), text(n, "error_type"),
                number(n, "tokens_in"), number(n, "tokens_out"), number(n, "tokens_cached"),
                n.path("cost_usd").isNumber() ? n.path("cost_usd").asDouble() : null,
                dimensions(n), null, null, line));
    }

    /**
     * The top-level fields the store reads ({@link #READ}) of a line that is a JSON object, null for
     * anything else. The others (headers, bodies: most of a streamed answer's line) are only
     * tokenized, not turned into nodes and strings, which made the whole-tree read the feeder's
     * largest cost before the database (docs/benchmarks.md, "Log store").
     */
    private static JsonNode fields(byte[] line) throws IOException {
        try (JsonParser p = MAPPER.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            ObjectNode out = MAPPER.createObjectNode();
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (READ.contains(name)) {
                    out.set(name, value(p));
                } else {
                    p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT) {
                throw new IOException("not a complete JSON object");
            }
            return out;
        }
    }

    /**
     * The value at the parser's current token, as {@link JsonParser#readValueAsTree} makes it (the same
     * node types), without its per-call deserialization context for the scalars that most fields are.
     */
    private static JsonNode value(JsonParser p) throws IOException {
        JsonNodeFactory nodes = MAPPER.getNodeFactory();
        return switch (p.currentToken()) {
            case VALUE_STRING -> nodes.textNode(p.getText());
            case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
                case INT -> nodes.numberNode(p.getIntValue());
                case LONG -> nodes.numberNode(p.getLongValue());
                default -> nodes.numberNode(p.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> nodes.numberNode(p.getDoubleValue());
            case VALUE_TRUE -> nodes.booleanNode(true);
            case VALUE_FALSE -> nodes.booleanNode(false);
            case VALUE_NULL -> nodes.nullNode();
            default -> p.readValueAsTree(); // an object or an array: metadata, erased
        };
    }

    /** Every field {@link #parse} and {@link #dimensions} read. */
    private static final Set<String> READ = Set.of("seq", "kind", "erased", "log_id", "event_id", "created_at",
            "duration_ms", "ttfb_ms", "route", "provider", "model", "status", "success", "cached", "cache_match",
            "error_type", "tokens_in", "tokens_out", "tokens_cached", "cost_usd", "metadata", "flow", "flow_version",
            "flow_branch", "experiment", "arm", "prompt", "prompt_version");

    /**
     * The record's metadata plus the analytics dimensions the gateway decided (the same reserved
     * keys analytics.AnalyticsStage groups by in memory), so {@code group_by=flow},
     * {@code metadata.fairway.experiment.<name>} and {@code metadata.fairway.prompt} work from the store.
     */
    static String dimensions(JsonNode n) {
        if (!n.hasNonNull("flow") && !n.hasNonNull("experiment") && !n.hasNonNull("prompt")) {
            // Nothing to add: the metadata as it is, not a copy of it (most records).
            return n.path("metadata").isObject() ? n.get("metadata").toString() : "{}";
        }
        com.fasterxml.jackson.databind.node.ObjectNode meta = n.path("metadata").isObject()
                ? ((com.fasterxml.jackson.databind.node.ObjectNode) n.get("metadata")).deepCopy() : MAPPER.createObjectNode();
        if (n.hasNonNull("flow")) {
            String version = n.get("flow").asText() + "@" + n.path("flow_version").asText();
            meta.put(FLOW, n.get("flow").asText());
            meta.put(FLOW_VERSION, version);
            meta.put(FLOW_BRANCH, version + "/" + n.path("flow_branch").asText());
        }
        if (n.hasNonNull("experiment")) {
            meta.put("fairway.experiment." + n.get("experiment").asText(), n.path("arm").asText());
        }
        if (n.hasNonNull("prompt")) {
            meta.put("fairway.prompt", n.get("prompt").asText() + "@" + n.path("prompt_version").asText());
        }
        return meta.toString();
    }

    static final String FLOW = "fairway.flow";
    static final String FLOW_VERSION = "fairway.flow_version";
    static final String FLOW_BRANCH = "fairway.flow_branch";

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Long number(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || !v.isNumber() ? null : v.asLong();
    }
}
