package dev.fairway.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** The rows of a JMH JSON result file ({@code -rf json}), with the allocation {@code -prof gc} adds. */
final class Jmh {
    /** One benchmark with one parameter set; times in the benchmark's own unit, NaN when absent. */
    record Row(String name, String params, String mode, String unit, double score, double error, double p50,
               double p99, double allocBytesPerOp) {

        String shortName() {
            int dot = name.lastIndexOf('.', name.lastIndexOf('.') - 1);
            return name.substring(dot + 1);
        }
    }

    private Jmh() {}

    static List<Row> read(Path file) throws IOException {
        List<Row> rows = new ArrayList<>();
        if (!Files.exists(file)) {
            return rows;
        }
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        for (JsonNode b : root) {
            JsonNode primary = b.path("primaryMetric");
            JsonNode pct = primary.path("scorePercentiles");
            JsonNode alloc = b.path("secondaryMetrics").path("gc.alloc.rate.norm");
            rows.add(new Row(b.path("benchmark").asText(), params(b.path("params")), b.path("mode").asText(),
                    primary.path("scoreUnit").asText(), primary.path("score").asDouble(Double.NaN),
                    primary.path("scoreError").asDouble(Double.NaN),
                    "sample".equals(b.path("mode").asText()) ? pct.path("50.0").asDouble(Double.NaN) : Double.NaN,
                    "sample".equals(b.path("mode").asText()) ? pct.path("99.0").asDouble(Double.NaN) : Double.NaN,
                    alloc.path("score").asDouble(Double.NaN)));
        }
        return rows;
    }

    static Row find(List<Row> rows, String nameEnd, String params) {
        for (Row r : rows) {
            if (r.name().endsWith(nameEnd) && (params == null || r.params().equals(params))) {
                return r;
            }
        }
        return null;
    }

    private static String params(JsonNode node) {
        if (node.isMissingNode() || node.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            b.append(b.isEmpty() ? "" : ", ").append(e.getKey()).append('=').append(e.getValue().asText());
        }
        return b.toString();
    }
}
