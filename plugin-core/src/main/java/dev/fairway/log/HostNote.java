package dev.fairway.log;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.fairway.log.spool.SpoolRecord;
import dev.fairway.pipeline.Ids;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;

/**
 * What the host gateway learned about a request after Fairway's record was written (Kong's log
 * phase: its route, consumer and latencies). The log is append-only, so the host's view joins the
 * request's record as a later record of its own, in the same hash chain, naming the record it
 * annotates by log id.
 */
record HostNote(String noteId, String annotates, String host, long atEpochMillis, Map<String, Object> fields) implements SpoolRecord {
    private static final JsonFactory JSON = new JsonFactory();

    static HostNote of(String annotates, String host, Map<String, Object> fields) {
        return new HostNote(Ids.logId(), annotates, host, System.currentTimeMillis(), Map.copyOf(fields));
    }

    @Override
    public String logId() {
        return noteId;
    }

    @Override
    public byte[] render(Link link) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("seq", link.seq());
            g.writeStringField("prev_hash", link.prevHash());
            g.writeStringField("prev_id", link.prevId());
            g.writeStringField("log_id", noteId);
            if (link.droppedBefore() > 0) {
                g.writeNumberField("dropped_before", link.droppedBefore());
            }
            g.writeStringField("kind", "host_note");
            g.writeStringField("annotates", annotates);
            g.writeStringField("host", host);
            g.writeStringField("at", Instant.ofEpochMilli(atEpochMillis).toString());
            g.writeObjectFieldStart("fields");
            for (Map.Entry<String, Object> e : new java.util.TreeMap<>(fields).entrySet()) {
                Object v = e.getValue();
                if (v instanceof Number n) {
                    g.writeFieldName(e.getKey());
                    g.writeNumber(n.toString());
                } else if (v instanceof Boolean b) {
                    g.writeBooleanField(e.getKey(), b);
                } else if (v != null) {
                    g.writeStringField(e.getKey(), v.toString());
                }
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
