package dev.fairway.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.log.spool.Chain;
import dev.fairway.log.spool.Segments;
import dev.fairway.log.spool.Spool;
import dev.fairway.log.spool.SpoolRecord.Link;
import dev.fairway.log.spool.SpoolWriter;
import dev.fairway.log.verify.LogVerifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer renders every record into one reused line and hashes and appends it from there: what
 * reaches the spool is still, record after record, the line the old rendering made, whatever came
 * before it in the line (a longer record, a record past the line's kept size, a host note).
 */
class WriterLineTest {

    @TempDir
    Path dir;

    @Test
    void recordsOnDiskAreTheOldRenderingsAndChainAsBefore() throws Exception {
        Random random = new Random(3);
        List<LogEntry> entries = new ArrayList<>();
        for (int length : new int[] {0, 20_000, 10, 1_500_000, 300, 70_000, 5}) {
            byte[] payload = new byte[length];
            for (int i = 0; i < length; i++) {
                payload[i] = (byte) (random.nextInt(5) == 0 ? '"' : 'a' + random.nextInt(26));
            }
            entries.add(Entries.entry("log-" + entries.size(), 1_764_000_000_000L, payload, payload, null));
        }
        entries.add(Entries.entry("log-utf8", 1_764_000_000_000L, "grüezi \"x\"".getBytes(StandardCharsets.UTF_8), null, null));
        entries.add(Entries.entry("log-redacted", 1_764_000_000_000L, "a@example.com".getBytes(StandardCharsets.UTF_8), null,
                java.util.Set.of("email")));
        HostNote note = new HostNote("note-1", "log-1", "kong", 1_764_000_000_500L, java.util.Map.of("consumer", "alice"));
        try (Spool spool = Spool.open(dir, 64L << 20, TimeUnit.HOURS.toMillis(1), Clock.systemUTC())) {
            SpoolWriter writer = new SpoolWriter(spool, 1024, 64L << 20, SpoolWriter.Fsync.NEVER, 1000, Clock.systemUTC(), () -> { });
            for (int i = 0; i < entries.size(); i++) {
                writer.submit(entries.get(i));
                if (i == 2) {
                    writer.submit(note);
                }
            }
            writer.flush(true).get(30, TimeUnit.SECONDS);
            writer.close();
        }
        List<byte[]> lines = new ArrayList<>();
        for (Path segment : Segments.list(dir)) {
            lines.addAll(Segments.read(segment).records());
        }
        assertThat(lines).hasSize(entries.size() + 1);
        String prevHash = Chain.GENESIS;
        String prevId = null;
        int e = 0;
        for (int seq = 1; seq <= lines.size(); seq++) {
            Link link = new Link(seq, prevHash, prevId, 0);
            byte[] expected;
            if (seq == 4) {
                expected = note.render(link);
                prevId = note.logId();
            } else {
                LogEntry entry = entries.get(e++);
                expected = LogEntryOracle.render(entry, link);
                prevId = entry.logId();
            }
            assertThat(Arrays.equals(lines.get(seq - 1), expected)).as("record %s", seq).isTrue();
            prevHash = Chain.hash(expected);
        }
        assertThat(LogVerifier.verifySpool(dir).intact()).isTrue();
    }
}
