package dev.fairway.log.spool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The spool's file layout: {@code seg-<first seq>.ndjson}, each opening with a header line
 * {@code {"segment":{"first_seq":..,"prev_hash":..,"prev_id":..}}} so that even an empty segment
 * remembers where the chain stood, followed by one record per line.
 */
public final class Segments {
    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern NAME = Pattern.compile("seg-(\\d{20})\\.ndjson");

    private Segments() {}

    static String name(long firstSeq) {
        return String.format("seg-%020d.ndjson", firstSeq);
    }

    /** Segment files in chain order. */
    public static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> NAME.matcher(p.getFileName().toString()).matches()).sorted().toList();
        }
    }

    /** The sequence number of the first record of {@code segment}, from its name. */
    public static long firstSeq(Path segment) {
        Matcher m = NAME.matcher(segment.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a segment: " + segment);
        }
        return Long.parseLong(m.group(1));
    }

    static byte[] header(Chain.Head head) {
        var node = MAPPER.createObjectNode();
        var seg = node.putObject("segment");
        seg.put("first_seq", head.seq() + 1);
        seg.put("prev_hash", head.hash());
        if (head.logId() == null) {
            seg.putNull("prev_id");
        } else {
            seg.put("prev_id", head.logId());
        }
        try {
            return (MAPPER.writeValueAsString(node) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A segment's content, split into its header and its complete record lines; a torn last line is left out. */
    public record Content(JsonNode header, List<byte[]> records, long completeLength) {
        public long lastSeq() {
            return firstSeq() + records.size() - 1;
        }

        public long firstSeq() {
            return header == null ? -1 : header.path("segment").path("first_seq").asLong(-1);
        }
    }

    public static Content read(Path segment) throws IOException {
        byte[] bytes = Files.readAllBytes(segment);
        JsonNode header = null;
        List<byte[]> records = new ArrayList<>();
        int start = 0;
        long complete = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != '\n') {
                continue;
            }
            byte[] line = java.util.Arrays.copyOfRange(bytes, start, i);
            if (header == null && start == 0) {
                try {
                    header = MAPPER.readTree(line);
                } catch (IOException e) {
                    header = null;
                }
                if (header == null || !header.has("segment")) {
                    // Not our file after all: treat everything as records so the verifier reports them.
                    header = null;
                    records.add(line);
                }
            } else if (line.length > 0) {
                records.add(line);
            }
            start = i + 1;
            complete = start;
        }
        return new Content(header, records, complete);
    }
}
