package dev.fairway.log;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.fairway.bytes.JsonEscape;
import dev.fairway.log.spool.Line;
import dev.fairway.log.spool.SpoolRecord;
import dev.fairway.pipeline.GuardrailFinding;
import dev.fairway.pipeline.SessionEvents;
import dev.fairway.plan.Choices;
import dev.fairway.pipeline.Usage;
import dev.fairway.plan.FlowRoute;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What one request left for the log, captured on the request path without any formatting; the
 * writer thread renders it (redaction included) once its place in the chain is known. Payloads are
 * already cut to the route's limit; headers already filtered.
 */
record LogEntry(
        String logId,
        String eventId,
        long startEpochMillis,
        long durationNanos,
        long ttfbNanos,
        String route,
        String provider,
        String model,
        String method,
        String path,
        int status,
        boolean success,
        boolean cached,
        int step,
        int attempts,
        String errorType,
        Usage usage,
        Double costUsd,
        boolean customCost,
        Map<String, Object> metadata,
        long requestBytes,
        long responseBytes,
        boolean truncated,
        String clientHash,
        Map<String, String> requestHeaders,
        byte[] requestPayload,
        byte[] responsePayload,
        boolean payloadTruncated,
        Redactor redactor,
        boolean waitCutShort,
        List<String> headerNotes,
        List<GuardrailFinding> findings,
        FlowRoute flow,
        Choices choices,
        String member,
        SessionEvents session,
        Double semanticSimilarity) implements SpoolRecord {

    private static final JsonFactory JSON = new JsonFactory();
    /** The fewest payload bytes escaped per {@link JsonEscape#escapeAscii} call, however full the line. */
    private static final int MIN_ESCAPE_SLICE = 64;

    @Override
    public long heldBytes() {
        return HELD_BASE_BYTES + (requestPayload == null ? 0 : requestPayload.length)
                + (responsePayload == null ? 0 : responsePayload.length);
    }

    /** A record of a request that waited for nothing (the usual case). */
    LogEntry(String logId, String eventId, long startEpochMillis, long durationNanos, long ttfbNanos, String route,
             String provider, String model, String method, String path, int status, boolean success, boolean cached,
             int step, int attempts, String errorType, Usage usage, Double costUsd, boolean customCost,
             Map<String, Object> metadata, long requestBytes, long responseBytes, boolean truncated, String clientHash,
             Map<String, String> requestHeaders, byte[] requestPayload, byte[] responsePayload, boolean payloadTruncated,
             Redactor redactor) {
        this(logId, eventId, startEpochMillis, durationNanos, ttfbNanos, route, provider, model, method, path, status,
                success, cached, step, attempts, errorType, usage, costUsd, customCost, metadata, requestBytes,
                responseBytes, truncated, clientHash, requestHeaders, requestPayload, responsePayload, payloadTruncated,
                redactor, false, List.of(), List.of(), null, Choices.NONE, null, null, null);
    }

    /** A record with everything but a routing flow. */
    LogEntry(String logId, String eventId, long startEpochMillis, long durationNanos, long ttfbNanos, String route,
             String provider, String model, String method, String path, int status, boolean success, boolean cached,
             int step, int attempts, String errorType, Usage usage, Double costUsd, boolean customCost,
             Map<String, Object> metadata, long requestBytes, long responseBytes, boolean truncated, String clientHash,
             Map<String, String> requestHeaders, byte[] requestPayload, byte[] responsePayload, boolean payloadTruncated,
             Redactor redactor, boolean waitCutShort, List<String> headerNotes, List<GuardrailFinding> findings) {
        this(logId, eventId, startEpochMillis, durationNanos, ttfbNanos, route, provider, model, method, path, status,
                success, cached, step, attempts, errorType, usage, costUsd, customCost, metadata, requestBytes,
                responseBytes, truncated, clientHash, requestHeaders, requestPayload, responsePayload, payloadTruncated,
                redactor, waitCutShort, headerNotes, findings, null, Choices.NONE, null, null, null);
    }

    /** A record without a WebSocket session (every HTTP request). */
    LogEntry(String logId, String eventId, long startEpochMillis, long durationNanos, long ttfbNanos, String route,
             String provider, String model, String method, String path, int status, boolean success, boolean cached,
             int step, int attempts, String errorType, Usage usage, Double costUsd, boolean customCost,
             Map<String, Object> metadata, long requestBytes, long responseBytes, boolean truncated, String clientHash,
             Map<String, String> requestHeaders, byte[] requestPayload, byte[] responsePayload, boolean payloadTruncated,
             Redactor redactor, boolean waitCutShort, List<String> headerNotes, List<GuardrailFinding> findings, FlowRoute flow,
             Choices choices, String member) {
        this(logId, eventId, startEpochMillis, durationNanos, ttfbNanos, route, provider, model, method, path, status,
                success, cached, step, attempts, errorType, usage, costUsd, customCost, metadata, requestBytes,
                responseBytes, truncated, clientHash, requestHeaders, requestPayload, responsePayload, payloadTruncated,
                redactor, waitCutShort, headerNotes, findings, flow, choices, member, null, null);
    }

    @Override
    public byte[] render(Link link) {
        // Sized for the payloads as JSON strings (escaping adds about a quarter to JSON or SSE text)
        // so that a stream's record does not grow through every power of two on its way.
        Line out = new Line(initialCapacity());
        render(link, out);
        return out.toByteArray();
    }

    @Override
    public void render(Link link, Line out) {
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("seq", link.seq());
            g.writeStringField("prev_hash", link.prevHash());
            g.writeStringField("prev_id", link.prevId());
            g.writeStringField("log_id", logId);
            g.writeStringField("event_id", eventId);
            g.writeStringField("created_at", Instant.ofEpochMilli(startEpochMillis).toString());
            g.writeNumberField("duration_ms", millis(durationNanos));
            if (ttfbNanos >= 0) {
                g.writeNumberField("ttfb_ms", millis(ttfbNanos));
            } else {
                g.writeNullField("ttfb_ms");
            }
            g.writeStringField("route", route);
            g.writeStringField("provider", provider);
            g.writeStringField("model", model);
            g.writeStringField("method", method);
            g.writeStringField("path", path);
            g.writeNumberField("status", status);
            g.writeBooleanField("success", success);
            g.writeBooleanField("cached", cached);
            if (semanticSimilarity != null) {
                // Counted apart from exact hits: the answer was stored for a question of like meaning.
                g.writeStringField("cache_match", "semantic");
                g.writeNumberField("cache_similarity", Math.round(semanticSimilarity * 1000) / 1000.0);
            }
            g.writeNumberField("step", step);
            g.writeNumberField("attempts", attempts);
            g.writeStringField("error_type", errorType);
            if (usage != null) {
                g.writeNumberField("tokens_in", usage.inputTokens());
                g.writeNumberField("tokens_out", usage.outputTokens());
                g.writeNumberField("tokens_cached", usage.cachedInputTokens());
            } else {
                g.writeNullField("tokens_in");
                g.writeNullField("tokens_out");
                g.writeNullField("tokens_cached");
            }
            if (costUsd != null) {
                g.writeNumberField("cost_usd", costUsd);
            } else {
                g.writeNullField("cost_usd");
            }
            g.writeBooleanField("custom_cost", customCost);
            g.writeObjectFieldStart("metadata");
            for (Map.Entry<String, Object> e : metadata.entrySet()) {
                g.writeFieldName(e.getKey());
                writeScalar(g, e.getValue());
            }
            g.writeEndObject();
            g.writeNumberField("request_bytes", requestBytes);
            g.writeNumberField("response_bytes", responseBytes);
            g.writeBooleanField("truncated", truncated);
            g.writeStringField("client_hash", clientHash);
            g.writeObjectFieldStart("request_headers");
            for (Map.Entry<String, String> e : requestHeaders.entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            if (flow != null) {
                // Which routing flow chose the model, so logs and analytics group by flow, version and branch.
                g.writeStringField("flow", flow.flow());
                g.writeNumberField("flow_version", flow.version());
                g.writeStringField("flow_branch", flow.branch());
            }
            if (!headerNotes.isEmpty()) {
                g.writeArrayFieldStart("header_notes");
                for (String note : headerNotes) {
                    g.writeString(note);
                }
                g.writeEndArray();
            }
            if (!findings.isEmpty()) {
                // Which guardrails fired, where and what they did: never the text they matched.
                g.writeArrayFieldStart("guardrail_findings");
                for (GuardrailFinding f : findings) {
                    g.writeStartObject();
                    g.writeStringField("rule", f.rule());
                    g.writeStringField("check", f.where().name().toLowerCase(java.util.Locale.ROOT));
                    g.writeStringField("action", f.action().name().toLowerCase(java.util.Locale.ROOT));
                    g.writeNumberField("count", f.count());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            writeChoices(g);
            if (requestPayload != null || responsePayload != null) {
                payloadField(g, out, "request_body", requestPayload);
                payloadField(g, out, "response_body", responsePayload);
                g.writeBooleanField("payload_truncated", payloadTruncated);
            }
            if (session != null) {
                // A realtime session: one record for the whole conversation, its events counted per direction.
                g.writeObjectFieldStart("session");
                g.writeNumberField("events_from_client", session.fromClient());
                g.writeNumberField("events_to_client", session.toClient());
                g.writeNumberField("close_code", session.closeCode());
                g.writeStringField("closed_by", session.closedBy());
                g.writeEndObject();
            }
            if (waitCutShort) {
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
    }

    private int initialCapacity() {
        long payloads = (requestPayload == null ? 0 : requestPayload.length) + (responsePayload == null ? 0 : responsePayload.length);
        return (int) Math.min(512 + payloads + payloads / 4, 1 << 26);
    }

    /** The prompt, experiment arm and pool member of the request, when it had them: what per-arm reports group by. */
    private void writeChoices(JsonGenerator g) throws IOException {
        if (choices.prompt() != null) {
            g.writeStringField("prompt", choices.prompt());
            g.writeNumberField("prompt_version", choices.promptVersion());
        }
        if (choices.experiment() != null) {
            g.writeStringField("experiment", choices.experiment());
            g.writeStringField("arm", choices.arm());
        }
        if (member != null) {
            g.writeStringField("member", member);
        }
    }

    /**
     * A payload as a JSON string. Unredacted ASCII text (nearly every payload: JSON and SSE escape
     * what is not) is escaped where it lies, eight bytes at a time, straight into the line, instead
     * of being decoded into a String only for the generator to encode it back, or escaped by the
     * generator byte by byte: that was most of a stream record's rendering. The bytes are those the
     * generator writes ({@code bytes.JsonEscape} escapes as it does; {@code LogRenderOracleTest}
     * holds them to it). Anything else is decoded, so bytes that are not UTF-8 become U+FFFD as
     * they always did.
     */
    private void payloadField(JsonGenerator g, Line out, String name, byte[] bytes) throws IOException {
        g.writeFieldName(name);
        if (bytes == null) {
            g.writeNull();
        } else if (redactor == Redactor.NONE) {
            // An empty raw value has the generator write the separator and count the field's value
            // as written; once it has passed on what it holds, the string follows in the line.
            g.writeRawValue("");
            g.flush();
            int start = out.length();
            if (!writeAscii(bytes, out)) {
                // Not ASCII after all (found in the same pass): the decoded text, as the
                // generator writes a string, by a generator of its own at the same place.
                out.length(start);
                try (JsonGenerator alone = JSON.createGenerator(out)) {
                    alone.writeString(new String(bytes, StandardCharsets.UTF_8));
                }
            }
        } else {
            g.writeString(redactor.apply(new String(bytes, StandardCharsets.UTF_8)));
        }
    }

    /**
     * {@code bytes} as a quoted JSON string at the end of {@code out} if they are all ASCII, else
     * false (and the line's length is then not to be trusted). Escaping asks for room for the
     * worst case (six bytes per byte) while payloads grow by about a tenth, so it goes in slices
     * sized to the room the line has: the line grows only when it is nearly full.
     */
    private static boolean writeAscii(byte[] bytes, Line out) {
        out.write('"');
        for (int from = 0; from < bytes.length; ) {
            int free = out.capacity() - out.length() - Long.BYTES;
            int n = Math.min(bytes.length - from, Math.max(MIN_ESCAPE_SLICE, free / 6));
            byte[] dst = out.room(JsonEscape.room(n));
            int end = JsonEscape.escapeAscii(bytes, from, from + n, dst, out.length());
            if (end < 0) {
                return false;
            }
            out.length(end);
            from += n;
        }
        out.write('"');
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

    @Override
    public String toString() {
        // Payloads and headers stay out of every rendering but the record itself.
        return "LogEntry[" + logId + "]";
    }
}
