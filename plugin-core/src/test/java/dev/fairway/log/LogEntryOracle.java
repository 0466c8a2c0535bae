package dev.fairway.log;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.fairway.log.spool.SpoolRecord.Link;
import dev.fairway.pipeline.GuardrailFinding;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * {@code LogEntry.render} as it was before the writer rendered records into one reused line and
 * escaped their payloads itself (Jackson's {@code writeUTF8String} escaping them, into a fresh
 * stream): the oracle {@code WriterLineTest} and {@code LogRenderOracleTest} hold every record's
 * bytes to, since the hash chain and the exports depend on them. Kept verbatim but for reading the
 * entry's fields through its accessors and checking for ASCII with a plain loop.
 */
final class LogEntryOracle {
    private static final JsonFactory JSON = new JsonFactory();

    private LogEntryOracle() {}

    static byte[] render(LogEntry x, Link link) {
        // Sized for the payloads as JSON strings (escaping adds about a quarter to JSON or SSE text)
        // so that a stream's record does not grow through every power of two on its way.
        ByteArrayOutputStream out = new ByteArrayOutputStream(initialCapacity(x));
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("seq", link.seq());
            g.writeStringField("prev_hash", link.prevHash());
            g.writeStringField("prev_id", link.prevId());
            g.writeStringField("log_id", x.logId());
            g.writeStringField("event_id", x.eventId());
            g.writeStringField("created_at", Instant.ofEpochMilli(x.startEpochMillis()).toString());
            g.writeNumberField("duration_ms", millis(x.durationNanos()));
            if (x.ttfbNanos() >= 0) {
                g.writeNumberField("ttfb_ms", millis(x.ttfbNanos()));
            } else {
                g.writeNullField("ttfb_ms");
            }
            g.writeStringField("route", x.route());
            g.writeStringField("provider", x.provider());
            g.writeStringField("model", x.model());
            g.writeStringField("method", x.method());
            g.writeStringField("path", x.path());
            g.writeNumberField("status", x.status());
            g.writeBooleanField("success", x.success());
            g.writeBooleanField("cached", x.cached());
            if (x.semanticSimilarity() != null) {
                // Counted apart from exact hits: the answer was stored for a question of like meaning.
                g.writeStringField("cache_match", "semantic");
                g.writeNumberField("cache_similarity", Math.round(x.semanticSimilarity() * 1000) / 1000.0);
            }
            g.writeNumberField("step", x.step());
            g.writeNumberField("attempts", x.attempts());
            g.writeStringField("error_type", x.errorType());
            if (x.usage() != null) {
                g.writeNumberField("tokens_in", x.usage().inputTokens());
                g.writeNumberField("tokens_out", x.usage().outputTokens());
                g.writeNumberField("tokens_cached", x.usage().cachedInputTokens());
            } else {
                g.writeNullField("tokens_in");
                g.writeNullField("tokens_out");
                g.writeNullField("tokens_cached");
            }
            if (x.costUsd() != null) {
                g.writeNumberField("cost_usd", x.costUsd());
            } else {
                g.writeNullField("cost_usd");
            }
            g.writeBooleanField("custom_cost", x.customCost());
            g.writeObjectFieldStart("metadata");
            for (Map.Entry<String, Object> e : x.metadata().entrySet()) {
                g.writeFieldName(e.getKey());
                writeScalar(g, e.getValue());
            }
            g.writeEndObject();
            g.writeNumberField("request_bytes", x.requestBytes());
            g.writeNumberField("response_bytes", x.responseBytes());
            g.writeBooleanField("truncated", x.truncated());
            g.writeStringField("client_hash", x.clientHash());
            g.writeObjectFieldStart("request_headers");
            for (Map.Entry<String, String> e : x.requestHeaders().entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            if (x.flow() != null) {
                // Which routing flow chose the model, so logs and analytics group by flow, version and branch.
                g.writeStringField("flow", x.flow().flow());
                g.writeNumberField("flow_version", x.flow().version());
                g.writeStringField("flow_branch", x.flow().branch());
            }
            if (!x.headerNotes().isEmpty()) {
                g.writeArrayFieldStart("header_notes");
                for (String note : x.headerNotes()) {
                    g.writeString(note);
                }
                g.writeEndArray();
            }
            if (!x.findings().isEmpty()) {
                // Which guardrails fired, where and what they did: never the text they matched.
                g.writeArrayFieldStart("guardrail_findings");
                for (GuardrailFinding f : x.findings()) {
                    g.writeStartObject();
                    g.writeStringField("rule", f.rule());
                    g.writeStringField("check", f.where().name().toLowerCase(java.util.Locale.ROOT));
                    g.writeStringField("action", f.action().name().toLowerCase(java.util.Locale.ROOT));
                    g.writeNumberField("count", f.count());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            writeChoices(x, g);
            if (x.requestPayload() != null || x.responsePayload() != null) {
                payloadField(x, g, "request_body", x.requestPayload());
                payloadField(x, g, "response_body", x.responsePayload());
                g.writeBooleanField("payload_truncated", x.payloadTruncated());
            }
            if (x.session() != null) {
                // A realtime session: one record for the whole conversation, its events counted per direction.
                g.writeObjectFieldStart("session");
                g.writeNumberField("events_from_client", x.session().fromClient());
                g.writeNumberField("events_to_client", x.session().toClient());
                g.writeNumberField("close_code", x.session().closeCode());
                g.writeStringField("closed_by", x.session().closedBy());
                g.writeEndObject();
            }
            if (x.waitCutShort()) {
                // An identical request was upstream; this one stopped waiting for it at the host's
                // decision deadline and went upstream itself.
                g.writeStringField("single_flight", "forwarded_as_miss_at_decision_deadline");
            }
            if (link.droppedBefore() > 0) {
                g.writeNumberField("dropped_before", link.droppedBefore());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static int initialCapacity(LogEntry x) {
        long payloads = (x.requestPayload() == null ? 0 : x.requestPayload().length) + (x.responsePayload() == null ? 0 : x.responsePayload().length);
        return (int) Math.min(512 + payloads + payloads / 4, 1 << 26);
    }

    /** The prompt, experiment arm and pool member of the request, when it had them: what per-arm reports group by. */
    private static void writeChoices(LogEntry x, JsonGenerator g) throws IOException {
        if (x.choices().prompt() != null) {
            g.writeStringField("prompt", x.choices().prompt());
            g.writeNumberField("prompt_version", x.choices().promptVersion());
        }
        if (x.choices().experiment() != null) {
            g.writeStringField("experiment", x.choices().experiment());
            g.writeStringField("arm", x.choices().arm());
        }
        if (x.member() != null) {
            g.writeStringField("member", x.member());
        }
    }

    /**
     * A payload as a JSON string. Unredacted ASCII text (nearly every payload: JSON and SSE escape
     * what is not) is escaped where it lies, instead of being decoded into a String only for the
     * generator to encode it back, which was most of a stream record's rendering; anything else is
     * decoded, so bytes that are not UTF-8 become U+FFFD as they always did.
     */
    private static void payloadField(LogEntry x, JsonGenerator g, String name, byte[] bytes) throws IOException {
        g.writeFieldName(name);
        if (bytes == null) {
            g.writeNull();
        } else if (x.redactor() == Redactor.NONE && ascii(bytes)) {
            g.writeUTF8String(bytes, 0, bytes.length);
        } else {
            g.writeString(x.redactor().apply(new String(bytes, StandardCharsets.UTF_8)));
        }
    }

    /** What {@code ByteSearch.ascii} answered (since folded into {@code JsonEscape.escapeAscii}): no byte from 0x80. */
    private static boolean ascii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    private static void writeScalar(JsonGenerator g, Object v) throws IOException {
        if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Long l) {
            g.writeNumber(l);
        } else if (v instanceof Integer i) {
            g.writeNumber(i);
        } else if (v instanceof Double d) {
            g.writeNumber(d);
        } else if (v == null) {
            g.writeNull();
        } else {
            g.writeString(String.valueOf(v));
        }
    }

    /** Milliseconds with microsecond precision, formatted the same way every time. */
    private static double millis(long nanos) {
        return Math.round(nanos / 1000d) / 1000d;
    }
}
