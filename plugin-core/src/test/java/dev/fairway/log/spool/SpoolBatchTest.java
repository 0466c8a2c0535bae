package dev.fairway.log.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool buffers appended lines and writes a batch with one call: lines reach the file with
 * {@link Spool#write}, and a write that fails is taken back whole, so the chain goes on from what
 * the file holds.
 */
class SpoolBatchTest {

    @Test
    void appendedLinesReachTheFileWithTheWrite(@TempDir Path dir) throws Exception {
        try (Spool spool = Spool.open(dir, 64L << 20, TimeUnit.HOURS.toMillis(1), Clock.systemUTC())) {
            Path segment = Segments.list(dir).get(0);
            long header = Files.size(segment);
            append(spool, "{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
            assertThat(Files.size(segment)).isEqualTo(header);
            assertThat(spool.head().seq()).isEqualTo(3);

            spool.write();

            assertThat(Files.readAllLines(segment, StandardCharsets.UTF_8)).endsWith("{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
        }
    }

    @Test
    void aLineLongerThanTheBufferIsWrittenWholeAfterTheLinesBeforeIt(@TempDir Path dir) throws Exception {
        String big = "{\"n\":\"" + "x".repeat(200_000) + "\"}";
        try (Spool spool = Spool.open(dir, 64L << 20, TimeUnit.HOURS.toMillis(1), Clock.systemUTC())) {
            append(spool, "{\"n\":1}", big, "{\"n\":3}");
            spool.write();
            List<String> lines = Files.readAllLines(Segments.list(dir).get(0), StandardCharsets.UTF_8);
            assertThat(lines.subList(1, lines.size())).containsExactly("{\"n\":1}", big, "{\"n\":3}");
        }
    }

    @Test
    void aFailedWriteTakesItsWholeBatchBackAndTheHeadReturnsToTheFile(@TempDir Path dir) throws Exception {
        try (Spool spool = Spool.open(dir, 64L << 20, TimeUnit.HOURS.toMillis(1), Clock.systemUTC())) {
            append(spool, "{\"n\":1}", "{\"n\":2}");
            spool.write();
            Chain.Head written = spool.head();
            append(spool, "{\"n\":3}", "{\"n\":4}", "{\"n\":5}");
            // A disk error: the channel refuses the write (and the cut that follows it).
            activeChannel(spool).close();

            assertThatThrownBy(spool::write).isInstanceOfSatisfying(Spool.LostRecords.class,
                    e -> assertThat(e.records()).isEqualTo(3));
            assertThat(spool.head()).isEqualTo(written);
            // Nothing stays pending: a later write has nothing of the lost batch to repeat.
            spool.write();
        }
        List<String> lines = Files.readAllLines(Segments.list(dir).get(0), StandardCharsets.UTF_8);
        assertThat(lines.subList(1, lines.size())).containsExactly("{\"n\":1}", "{\"n\":2}");
    }

    private static void append(Spool spool, String... lines) {
        for (String line : lines) {
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            Chain.Head head = spool.head();
            spool.append(bytes, new Chain.Head(head.seq() + 1, Chain.hash(bytes), "log-" + (head.seq() + 1)));
        }
    }

    private static FileChannel activeChannel(Spool spool) throws ReflectiveOperationException {
        Field f = Spool.class.getDeclaredField("active");
        f.setAccessible(true);
        return (FileChannel) f.get(spool);
    }
}
