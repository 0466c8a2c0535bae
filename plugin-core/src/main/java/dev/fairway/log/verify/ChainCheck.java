package dev.fairway.log.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fairway.log.spool.Chain;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks record lines, in the order they are stored, against the hash chain:
 * <ul>
 *   <li>missing: a gap in the sequence numbers (the successor's {@code prev_id} names the last missing record);</li>
 *   <li>reordered: a record stored after one with a higher sequence number;</li>
 *   <li>altered: a record whose hash is not what its successor (or its object's manifest) recorded;</li>
 * </ul>
 * and every object's manifest against the records it closes.
 */
final class ChainCheck {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private record Rec(long seq, String logId, String prevHash, String prevId, String hash, String where) {}

    private final List<Rec> stored = new ArrayList<>();
    private final Set<String> altered = new LinkedHashSet<>();
    private final List<String> problems = new ArrayList<>();
    private final Map<Long, String> manifestLastHash = new TreeMap<>();
    private final List<long[]> manifestRanges = new ArrayList<>();

    /** One unit (object or segment) in storage order: its record lines, and its manifest if it has one. */
    void add(String unit, List<byte[]> lines) {
        List<Rec> mine = new ArrayList<>();
        JsonNode manifest = null;
        for (int i = 0; i < lines.size(); i++) {
            byte[] line = lines.get(i);
            JsonNode node;
            try {
                node = MAPPER.readTree(line);
            } catch (IOException e) {
                altered.add(unit + " line " + (i + 1) + " (not JSON)");
                continue;
            }
            if (node == null || !node.isObject()) {
                altered.add(unit + " line " + (i + 1) + " (not a record)");
                continue;
            }
            if (node.has("manifest")) {
                manifest = node.get("manifest");
                continue;
            }
            if (node.has("segment")) {
                continue;
            }
            if (!node.path("seq").canConvertToLong() || !node.path("prev_hash").isTextual()) {
                altered.add(idOr(node, unit + " line " + (i + 1)) + " (no seq or prev_hash)");
                continue;
            }
            Rec r = new Rec(node.get("seq").asLong(), node.path("log_id").asText(null), node.get("prev_hash").asText(),
                    node.path("prev_id").isTextual() ? node.get("prev_id").asText() : null, Chain.hash(line),
                    unit + " line " + (i + 1));
            mine.add(r);
        }
        stored.addAll(mine);
        if (manifest != null) {
            checkManifest(unit, manifest, mine);
        }
    }

    /** Notes that a unit could not be read at all. */
    void problem(String text) {
        problems.add(text);
    }

    private void checkManifest(String unit, JsonNode m, List<Rec> mine) {
        long first = m.path("first_seq").asLong();
        long last = m.path("last_seq").asLong();
        manifestRanges.add(new long[] {first, last});
        manifestLastHash.put(last, m.path("last_hash").asText());
        if (m.path("count").asLong() != mine.size()) {
            problems.add(unit + ": manifest counts " + m.path("count").asLong() + " records, the object holds " + mine.size());
        }
        if (!mine.isEmpty()) {
            Rec head = mine.get(0);
            if (head.seq() == first && !head.hash().equals(m.path("first_hash").asText())) {
                altered.add(label(head));
            }
        }
    }

    /**
     * @param fromGenesis whether the source should hold the chain from its first record (a bucket
     *     does; a spool keeps only what is not exported yet)
     */
    VerifyReport report(boolean fromGenesis) {
        // Reordered: stored after a record with a higher sequence number.
        Set<String> reordered = new LinkedHashSet<>();
        for (int i = 1; i < stored.size(); i++) {
            if (stored.get(i).seq() < stored.get(i - 1).seq()) {
                reordered.add(label(stored.get(i - 1)));
                reordered.add(label(stored.get(i)));
            }
        }
        List<Rec> bySeq = new ArrayList<>(stored);
        bySeq.sort(Comparator.comparingLong(Rec::seq));
        List<VerifyReport.Missing> missing = new ArrayList<>();
        for (int i = 1; i < bySeq.size(); i++) {
            Rec prev = bySeq.get(i - 1);
            Rec r = bySeq.get(i);
            if (r.seq() == prev.seq()) {
                if (r.hash().equals(prev.hash())) {
                    problems.add("seq " + r.seq() + " (" + r.logId() + ") is stored twice");
                } else {
                    altered.add(label(r));
                }
            } else if (r.seq() > prev.seq() + 1) {
                missing.add(new VerifyReport.Missing(prev.seq() + 1, r.seq() - 1, r.prevId(), prev.logId(), r.logId()));
            } else if (!r.prevHash().equals(prev.hash())) {
                altered.add(label(prev));
            }
        }
        // Tail records of an object are vouched for by its manifest, and gaps at an object's end by its range.
        Map<Long, Rec> index = new TreeMap<>();
        bySeq.forEach(r -> index.putIfAbsent(r.seq(), r));
        manifestLastHash.forEach((seq, hash) -> {
            Rec r = index.get(seq);
            if (r != null && !r.hash().equals(hash)) {
                altered.add(label(r));
            }
        });
        for (long[] range : manifestRanges) {
            long s = range[0];
            while (s <= range[1]) {
                if (index.containsKey(s) || covered(missing, s)) {
                    s++;
                    continue;
                }
                long from = s;
                while (s <= range[1] && !index.containsKey(s)) {
                    s++;
                }
                Rec after = index.get(s);
                Rec before = index.get(from - 1);
                missing.add(new VerifyReport.Missing(from, s - 1, after == null ? null : after.prevId(),
                        before == null ? null : before.logId(), after == null ? null : after.logId()));
            }
        }
        if (!bySeq.isEmpty() && bySeq.get(0).seq() == 1 && !Chain.GENESIS.equals(bySeq.get(0).prevHash())) {
            altered.add(label(bySeq.get(0)));
        }
        if (fromGenesis && !bySeq.isEmpty() && bySeq.get(0).seq() > 1) {
            Rec head = bySeq.get(0);
            missing.add(new VerifyReport.Missing(1, head.seq() - 1, head.prevId(), null, head.logId()));
        }
        missing.sort(Comparator.comparingLong(VerifyReport.Missing::fromSeq));
        long firstSeq = bySeq.isEmpty() ? 0 : bySeq.get(0).seq();
        long lastSeq = bySeq.isEmpty() ? 0 : bySeq.get(bySeq.size() - 1).seq();
        return new VerifyReport(stored.size(), firstSeq, lastSeq, missing, List.copyOf(reordered),
                List.copyOf(altered), problems);
    }

    private static boolean covered(List<VerifyReport.Missing> missing, long seq) {
        for (VerifyReport.Missing m : missing) {
            if (seq >= m.fromSeq() && seq <= m.toSeq()) {
                return true;
            }
        }
        return false;
    }

    private static String label(Rec r) {
        return Objects.requireNonNullElse(r.logId(), r.where());
    }

    private static String idOr(JsonNode node, String fallback) {
        return node.path("log_id").isTextual() ? node.get("log_id").asText() : fallback;
    }
}
