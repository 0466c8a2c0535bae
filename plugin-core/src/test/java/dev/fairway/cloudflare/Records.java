package dev.fairway.cloudflare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fairway.log.LogStage;
import dev.fairway.testing.GatewayHarness;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The log records a harness's gateway has written to its spool, by log id. */
final class Records {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Records() {}

    static Map<String, JsonNode> of(GatewayHarness harness, Path spool) {
        LogStage logs = harness.fairway().gateway().stages().stream().filter(LogStage.class::isInstance)
                .map(LogStage.class::cast).findFirst().orElseThrow();
        logs.flush(false).join();
        Map<String, JsonNode> out = new HashMap<>();
        try (Stream<Path> files = Files.list(spool)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".ndjson")).toList()) {
                for (String line : Files.readAllLines(f)) {
                    JsonNode n = MAPPER.readTree(line);
                    if (n.has("log_id")) {
                        out.put(n.get("log_id").asText(), n);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * The record of {@code logId}, waiting for it: a record is handed to the writer when its exchange
     * completes, just after the client got the last byte. 20 s is only a safety net.
     */
    static JsonNode await(GatewayHarness harness, Path spool, String logId) {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            JsonNode found = of(harness, spool).get(logId);
            if (found != null) {
                return found;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no log record " + logId);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    static List<String> notes(JsonNode record) {
        JsonNode notes = record.get("header_notes");
        return notes == null ? List.of() : Stream.of(MAPPER.convertValue(notes, String[].class)).toList();
    }
}
