package dev.fairway.log;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.fairway.log.spool.SpoolRecord;
import dev.fairway.pipeline.Ids;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;

/**
 * An erasure, recorded in the hash chain: which records were deleted from the log store (a
 * data-protection request through {@code DELETE /logs}), when, and under what filter. The chain
 * itself stays intact, so {@code verify-logs} still proves that nothing else went missing, and a
 * store rebuilt from the spool erases them again ({@code logstore.StoreFeeder}).
 */
record Tombstone(String tombstoneId, long atEpochMillis, List<String> erased, String filter) implements SpoolRecord {
    private static final JsonFactory JSON = new JsonFactory();

    static Tombstone of(List<String> erased, String filter) {
        return new Tombstone(Ids.logId(), System.currentTimeMillis(), List.copyOf(erased), filter);
    }

    @Override
    public String logId() {
        return tombstoneId;
    }

    @Override
    public byte[] render(Link link) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128 + erased.size() * 40);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("seq", link.seq());
            g.writeStringField("prev_hash", link.prevHash());
            g.writeStringField("prev_id", link.prevId());
            g.writeStringField("log_id", tombstoneId);
            if (link.droppedBefore() > 0) {
                g.writeNumberField("dropped_before", link.droppedBefore());
            }
            g.writeStringField("kind", "tombstone");
            g.writeStringField("at", Instant.ofEpochMilli(atEpochMillis).toString());
            g.writeStringField("filter", filter);
            g.writeArrayFieldStart("erased");
            for (String id : erased) {
                g.writeString(id);
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
