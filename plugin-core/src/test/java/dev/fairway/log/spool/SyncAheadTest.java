package dev.fairway.log.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The active segment is forced on a thread of its own once a MiB was written to it, so the writer's
 * own syncs (at a segment's close, at its interval) find little left to write back.
 */
class SyncAheadTest {

    @Test
    void theWriterHasTheActiveSegmentForcedAheadOnceAMebibyteWasWritten(@TempDir Path dir) throws Exception {
        Clock clock = Clock.systemUTC();
        try (Spool spool = Spool.open(dir, 64L << 20, TimeUnit.HOURS.toMillis(1), clock)) {
            // Fsync NEVER and a segment that never fills: no sync of the writer's own happens.
            SpoolWriter writer = new SpoolWriter(spool, 1024, 64L << 20, SpoolWriter.Fsync.NEVER, 1000, clock, () -> { });
            for (int i = 0; i < 8; i++) {
                assertThat(writer.submit(new Sized("small-" + i, 1024))).isTrue();
            }
            writer.flush(false).get(10, TimeUnit.SECONDS);
            assertThat(writer.forcedAhead()).as("8 KiB written").isZero();

            int records = (int) (2 * SpoolWriter.SYNC_AHEAD_BYTES / (64 * 1024)) + 1;
            for (int i = 0; i < records; i++) {
                assertThat(writer.submit(new Sized("big-" + i, 64 * 1024))).isTrue();
            }
            writer.flush(false).get(10, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (writer.forcedAhead() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(writer.forcedAhead()).as("2 MiB written").isPositive();
            writer.close();
        }
    }

    @Test
    void theSpoolHandsOutItsChannelOncePerMebibyteWrittenAndNotAfterItsOwnSync(@TempDir Path dir) throws Exception {
        try (Spool spool = Spool.open(dir, 64L << 20, TimeUnit.HOURS.toMillis(1), Clock.systemUTC())) {
            append(spool, 600 * 1024);
            spool.write();
            assertThat(spool.unforced(1024 * 1024)).as("600 KiB written").isNull();
            append(spool, 600 * 1024);
            assertThat(spool.unforced(1024 * 1024)).as("appended, not written yet").isNull();
            spool.write();
            assertThat(spool.unforced(1024 * 1024)).as("1,200 KiB written").isNotNull();
            assertThat(spool.unforced(1024 * 1024)).as("handed out already").isNull();

            append(spool, 1200 * 1024);
            spool.force();
            assertThat(spool.unforced(1024 * 1024)).as("forced by the spool itself").isNull();
        }
    }

    @Test
    void aChannelClosedBeforeItsTurnIsSkippedAndTheNextIsStillForced(@TempDir Path dir) throws Exception {
        try (SyncAhead ahead = new SyncAhead("test-sync");
             FileChannel open = FileChannel.open(dir.resolve("b"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileChannel closed = FileChannel.open(dir.resolve("a"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            closed.close();
            ahead.request(closed);
            Thread.sleep(100);
            open.write(ByteBuffer.wrap("x".getBytes(StandardCharsets.UTF_8)));
            ahead.request(open);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (ahead.forced() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(ahead.forced()).isEqualTo(1);
        }
    }

    private static void append(Spool spool, int bytes) {
        byte[] line = new byte[bytes];
        Arrays.fill(line, (byte) 'a');
        Chain.Head head = spool.head();
        spool.append(line, new Chain.Head(head.seq() + 1, Chain.hash(line), "log-" + (head.seq() + 1)));
    }

    /** A record whose line is {@code bytes} long. */
    private record Sized(String logId, int bytes) implements SpoolRecord {
        @Override
        public byte[] render(Link link) {
            byte[] line = new byte[bytes];
            Arrays.fill(line, (byte) 'a');
            return line;
        }
    }
}
