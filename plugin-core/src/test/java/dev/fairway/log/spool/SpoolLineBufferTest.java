package dev.fairway.log.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spool's reused line buffer: lines longer than it, and shorter ones after them, are written whole and in order. */
class SpoolLineBufferTest {

    @Test
    void linesOfEverySizeAreWrittenWholeAndInOrder(@TempDir Path dir) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int size : new int[] {10, 4095, 4096, 9000, 3, 20_000, 17}) {
            lines.add("{\"n\":\"" + "x".repeat(size) + "\"}");
        }
        try (Spool spool = Spool.open(dir, 64L << 20, TimeUnit.HOURS.toMillis(1), Clock.systemUTC())) {
            MessageDigestHead head = new MessageDigestHead();
            for (String line : lines) {
                byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
                spool.append(bytes, head.next(spool.head(), bytes));
            }
            assertThat(spool.head().seq()).isEqualTo(lines.size());
            spool.roll();
            List<String> written = new ArrayList<>();
            for (Path segment : spool.closedSegments()) {
                // Each segment opens with its own header line; the records follow it.
                Files.readAllLines(segment, StandardCharsets.UTF_8).stream().filter(l -> !l.startsWith("{\"segment\"")).forEach(written::add);
            }
            assertThat(written).containsExactlyElementsOf(lines);
        }
    }

    /** The chain's next head as the writer computes it, with one digest reused from line to line. */
    private static final class MessageDigestHead {
        private final java.security.MessageDigest digest = Chain.sha256();

        Chain.Head next(Chain.Head head, byte[] line) {
            String hash = Chain.hash(digest, line, 0, line.length);
            assertThat(hash).isEqualTo(Chain.hash(line));
            return new Chain.Head(head.seq() + 1, hash, "log-" + head.seq());
        }
    }
}
