package dev.fairway.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fairway.log.spool.Chain;
import dev.fairway.log.spool.Segments;
import dev.fairway.log.spool.Spool;
import dev.fairway.log.spool.SpoolRecord;
import dev.fairway.log.spool.SpoolWriter;
import dev.fairway.log.verify.LogVerifier;
import dev.fairway.log.verify.VerifyReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock();

    @Test
    void chainContinuesAcrossRestartsAndSegments() throws Exception {
        write(dir, 0, 5);
        write(dir, 5, 5);
        List<JsonNode> records = records(dir);
        assertThat(records).extracting(r -> r.get("seq").asLong()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        assertThat(records.get(0).get("prev_hash").asText()).isEqualTo(Chain.GENESIS);
        assertThat(records.get(5).get("prev_id").asText()).isEqualTo("log-4");
        // The restart closed the first run's segment and started a new one.
        assertThat(Segments.list(dir)).extracting(p -> p.getFileName().toString())
                .containsExactly("seg-00000000000000000001.ndjson", "seg-00000000000000000006.ndjson");
        assertThat(LogVerifier.verifySpool(dir).intact()).isTrue();
    }

    @Test
    void aLineTornByACrashIsCutAndTheChainGoesOn() throws Exception {
        write(dir, 0, 3);
        Path last = Segments.list(dir).get(0);
        Files.writeString(last, "{\"seq\":4,\"prev_hash\":\"ab", StandardOpenOption.APPEND);
        write(dir, 3, 2);
        VerifyReport report = LogVerifier.verifySpool(dir);
        assertThat(report.intact()).as(report.describe()).isTrue();
        assertThat(report.lastSeq()).isEqualTo(5);
        assertThat(Files.readString(last)).doesNotContain("\"ab");
    }

    @Test
    void segmentsCloseBySize() throws Exception {
        try (Spool spool = Spool.open(dir, 2048, 60_000, clock)) {
            SpoolWriter writer = new SpoolWriter(spool, 1024, 64L << 20, SpoolWriter.Fsync.ALWAYS, 1000, clock, () -> { });
            for (int i = 0; i < 8; i++) {
                writer.submit(Entries.entry("log-" + i));
            }
            writer.flush(false).get(10, TimeUnit.SECONDS);
            writer.close();
            // About 700 bytes a record: a segment closes after its third.
            assertThat(spool.closedSegments()).extracting(p -> p.getFileName().toString())
                    .containsExactly("seg-00000000000000000001.ndjson", "seg-00000000000000000004.ndjson");
        }
    }

    @Test
    void segmentsCloseByAgeOnceTheyHoldARecord() throws Exception {
        try (Spool spool = Spool.open(dir, 1 << 20, 60_000, clock)) {
            SpoolWriter writer = new SpoolWriter(spool, 1024, 64L << 20, SpoolWriter.Fsync.INTERVAL, 1000, clock, () -> { });
            clock.advance(Duration.ofSeconds(120));
            writer.flush(false).get(10, TimeUnit.SECONDS);
            assertThat(spool.closedSegments()).as("an empty segment never closes").isEmpty();
            writer.submit(Entries.entry("log-0"));
            writer.flush(false).get(10, TimeUnit.SECONDS);
            clock.advance(Duration.ofSeconds(59));
            writer.flush(false).get(10, TimeUnit.SECONDS);
            assertThat(spool.closedSegments()).isEmpty();
            clock.advance(Duration.ofSeconds(2));
            // The writer checks the age on its own between batches.
            Waits.until("the aged segment to close", Duration.ofSeconds(10), () -> closedCount(spool) == 1);
            writer.close();
        }
    }

    @Test
    void aFullQueueDropsAndTheNextRecordSaysHowMany() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (Spool spool = Spool.open(dir, 1 << 20, 60_000, clock)) {
            SpoolWriter writer = new SpoolWriter(spool, 16, 64L << 20, SpoolWriter.Fsync.NEVER, 1000, clock, () -> { });
            stall(writer, release);
            int accepted = 0;
            for (int i = 0; i < 40; i++) {
                accepted += writer.submit(Entries.entry("log-" + i)) ? 1 : 0;
            }
            assertThat(accepted).isEqualTo(16);
            assertThat(writer.dropped()).isEqualTo(24);
            release.countDown();
            writer.flush(false).get(10, TimeUnit.SECONDS);
            writer.close();
        }
        List<JsonNode> records = records(dir);
        assertThat(records).hasSize(17);
        assertThat(records.get(0).has("dropped_before")).isFalse();
        assertThat(records.get(1).get("dropped_before").asLong()).isEqualTo(24);
        assertThat(records.subList(2, 17)).allSatisfy(r -> assertThat(r.has("dropped_before")).isFalse());
    }

    /**
     * A stalled writer must not hold more than its byte bound: streamed answers' records (tens of
     * KB each) would otherwise fill the heap long before the record bound.
     */
    @Test
    void theQueueIsBoundedInBytesAsWellAsInRecords() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        byte[] answer = new byte[15 * 1024];
        Arrays.fill(answer, (byte) 'a');
        long held = Entries.entry("x", 0, new byte[1024], answer, null).heldBytes();
        assertThat(held).isEqualTo(SpoolRecord.HELD_BASE_BYTES + 1024 + answer.length);
        try (Spool spool = Spool.open(dir, 1 << 20, 60_000, clock)) {
            // Room for ten beside the record the writer is stalled in.
            long bound = 10 * held + SpoolRecord.HELD_BASE_BYTES;
            SpoolWriter writer = new SpoolWriter(spool, 1024, bound, SpoolWriter.Fsync.NEVER, 1000, clock, () -> { });
            stall(writer, release);
            int accepted = 0;
            for (int i = 0; i < 40; i++) {
                accepted += writer.submit(Entries.entry("log-" + i, 0, new byte[1024], answer, null)) ? 1 : 0;
            }
            assertThat(accepted).as("records of %s bytes under a bound of %s", held, bound).isEqualTo(10);
            assertThat(writer.dropped()).isEqualTo(30);
            assertThat(writer.queuedBytes()).isEqualTo(bound);
            release.countDown();
            writer.flush(false).get(10, TimeUnit.SECONDS);
            // The flush completes inside the batch; the batch's bytes are released right after it.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (writer.queuedBytes() != 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(writer.queuedBytes()).as("written records are no longer counted").isZero();
            // Room again: the next record is taken, and says how many were lost before it.
            assertThat(writer.submit(Entries.entry("after", 0, new byte[1024], answer, null))).isTrue();
            writer.flush(false).get(10, TimeUnit.SECONDS);
            writer.close();
        }
        List<JsonNode> records = records(dir);
        assertThat(records).hasSize(12);
        assertThat(records.get(1).get("dropped_before").asLong()).isEqualTo(30);
        assertThat(records.get(11).get("log_id").asText()).isEqualTo("after");
    }

    @Test
    void aRecordLargerThanTheByteBoundIsTakenWhenNothingElseWaits() throws Exception {
        try (Spool spool = Spool.open(dir, 1 << 20, 60_000, clock)) {
            SpoolWriter writer = new SpoolWriter(spool, 1024, 4096, SpoolWriter.Fsync.NEVER, 1000, clock, () -> { });
            assertThat(writer.submit(Entries.entry("big", 0, new byte[64 * 1024], new byte[0], null))).isTrue();
            writer.flush(false).get(10, TimeUnit.SECONDS);
            writer.close();
        }
        assertThat(records(dir)).extracting(r -> r.get("log_id").asText()).containsExactly("big");
    }

    /** Holds the writer thread inside its first record's rendering until {@code release}. */
    private static void stall(SpoolWriter writer, CountDownLatch release) throws InterruptedException {
        CountDownLatch inRender = new CountDownLatch(1);
        writer.submit(new SpoolRecord() {
            @Override
            public byte[] render(Link link) {
                inRender.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return Entries.entry("slow").render(link);
            }

            @Override
            public String logId() {
                return "slow";
            }
        });
        assertThat(inRender.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void oneSpoolDirectoryServesOneInstance() throws Exception {
        try (Spool first = Spool.open(dir, 1 << 20, 60_000, clock)) {
            assertThatThrownBy(() -> Spool.open(first.dir(), 1 << 20, 60_000, clock))
                    .hasMessageContaining("logs.spool_dir").hasMessageContaining("in use by another Fairway instance");
        }
        // Closed, the directory is free again.
        try (Spool again = Spool.open(dir, 1 << 20, 60_000, clock)) {
            assertThat(again.head().seq()).isZero();
        }
    }

    @Test
    void aSuccessorTakesTheSpoolOverWhenThePredecessorLetsGoAndTheChainStaysOne() throws Exception {
        try (Spool old = Spool.open(dir, 1 << 20, 60_000, clock)) {
            SpoolWriter oldWriter = new SpoolWriter(old, 1024, 64L << 20, SpoolWriter.Fsync.ALWAYS, 1000, clock, () -> { });
            for (int i = 0; i < 3; i++) {
                oldWriter.submit(Entries.entry("old-" + i));
            }
            oldWriter.flush(false).get(10, TimeUnit.SECONDS);

            try (Spool successor = Spool.open(dir, 1 << 20, 60_000, clock, Duration.ofSeconds(60))) {
                SpoolWriter newWriter = new SpoolWriter(successor, 1024, 64L << 20, SpoolWriter.Fsync.ALWAYS, 1000, clock, () -> { });
                for (int i = 0; i < 3; i++) {
                    assertThat(newWriter.submit(Entries.entry("new-" + i))).as("accepted while the old one drains").isTrue();
                }
                assertThat(successor.owned()).isFalse();
                assertThat(successor.closedSegments()).as("the old one's segments are not ours to export yet").isEmpty();
                // The old instance drains: its last records still come first in the chain.
                for (int i = 3; i < 5; i++) {
                    oldWriter.submit(Entries.entry("old-" + i));
                }
                oldWriter.flush(false).get(10, TimeUnit.SECONDS);
                oldWriter.close();
                old.close();

                newWriter.flush(false).get(30, TimeUnit.SECONDS);
                newWriter.close();
                assertThat(successor.owned()).isTrue();
            }
        }
        assertThat(records(dir)).extracting(r -> r.get("log_id").asText())
                .containsExactly("old-0", "old-1", "old-2", "old-3", "old-4", "new-0", "new-1", "new-2");
        VerifyReport report = LogVerifier.verifySpool(dir);
        assertThat(report.intact()).as(report.describe()).isTrue();
    }

    private void write(Path dir, int from, int count) throws Exception {
        try (Spool spool = Spool.open(dir, 1 << 20, 60_000, clock)) {
            SpoolWriter writer = new SpoolWriter(spool, 1024, 64L << 20, SpoolWriter.Fsync.ALWAYS, 1000, clock, () -> { });
            for (int i = from; i < from + count; i++) {
                assertThat(writer.submit(Entries.entry("log-" + i))).isTrue();
            }
            writer.flush(false).get(10, TimeUnit.SECONDS);
            writer.close();
        }
    }

    private static int closedCount(Spool spool) {
        try {
            return spool.closedSegments().size();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static List<JsonNode> records(Path dir) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (Path seg : Segments.list(dir)) {
            for (byte[] line : Segments.read(seg).records()) {
                out.add(MAPPER.readTree(new String(line, StandardCharsets.UTF_8)));
            }
        }
        return out;
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private volatile Instant now = Instant.parse("2025-11-24T01:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
