package dev.fairway.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The load generator's JSON lines: fixed-rate runs, rate searches and held streams. */
final class Load {
    private final List<JsonNode> lines;

    private Load(List<JsonNode> lines) {
        this.lines = lines;
    }

    static Load read(Path... files) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (Path f : files) {
            if (!Files.exists(f)) {
                continue;
            }
            for (String line : Files.readAllLines(f)) {
                if (!line.isBlank()) {
                    lines.add(json.readTree(line));
                }
            }
        }
        return new Load(lines);
    }

    JsonNode fixed(String target, String loadCase, double rate) {
        for (JsonNode n : lines) {
            if ("fixed".equals(n.path("mode").asText()) && target.equals(n.path("target").asText())
                    && loadCase.equals(n.path("case").asText()) && n.path("offered_rps").asDouble() == rate) {
                return n;
            }
        }
        return null;
    }

    JsonNode max(String target, String loadCase) {
        for (JsonNode n : lines) {
            if ("max".equals(n.path("mode").asText()) && target.equals(n.path("target").asText())
                    && loadCase.equals(n.path("case").asText())) {
                return n;
            }
        }
        return null;
    }

    JsonNode hold(String target) {
        for (JsonNode n : lines) {
            if ("hold".equals(n.path("mode").asText()) && target.equals(n.path("target").asText())) {
                return n;
            }
        }
        return null;
    }

    /** A latency field in microseconds, NaN when the run or the field is missing. */
    static double micros(JsonNode run, String field) {
        return run == null || run.path(field).isNull() || run.path(field).isMissingNode() ? Double.NaN : run.path(field).asDouble();
    }
}
