package dev.fairway.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.log.spool.Segments;
import dev.fairway.log.spool.Spool;
import dev.fairway.log.spool.SpoolWriter;
import dev.fairway.log.verify.LogVerifier;
import dev.fairway.log.verify.VerifyReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** verify-logs on a local spool: a deleted, a modified and a swapped record are each found by id. */
class LogVerifierTest {
    @TempDir
    Path dir;
    private Path segment;
    private List<String> lines;

    @BeforeEach
    void writeTenRecords() throws Exception {
        try (Spool spool = Spool.open(dir, 1 << 20, 60_000, Clock.systemUTC())) {
            SpoolWriter writer = new SpoolWriter(spool, 64, 64L << 20, SpoolWriter.Fsync.ALWAYS, 1000, Clock.systemUTC(), () -> { });
            for (int i = 1; i <= 10; i++) {
                writer.submit(Entries.entry("log-" + i));
            }
            writer.flush(false).get(10, TimeUnit.SECONDS);
            writer.close();
        }
        segment = Segments.list(dir).get(0);
        lines = new ArrayList<>(Files.readAllLines(segment, StandardCharsets.UTF_8));
        assertThat(lines).hasSize(11);
    }

    private void rewrite() throws Exception {
        Files.write(segment, lines, StandardCharsets.UTF_8);
    }

    @Test
    void anUntouchedSpoolIsIntact() {
        VerifyReport report = LogVerifier.verifySpool(dir);
        assertThat(report.intact()).as(report.describe()).isTrue();
        assertThat(report.records()).isEqualTo(10);
        assertThat(run("--spool", dir.toString())).isEqualTo(0);
    }

    @Test
    void aDeletedRecordIsReportedMissingWithItsId() throws Exception {
        lines.remove(5);
        rewrite();
        VerifyReport report = LogVerifier.verifySpool(dir);
        assertThat(report.intact()).isFalse();
        assertThat(report.missing()).containsExactly(new VerifyReport.Missing(5, 5, "log-5", "log-4", "log-6"));
        assertThat(report.altered()).isEmpty();
        assertThat(report.reordered()).isEmpty();
        assertThat(run("--spool", dir.toString())).isEqualTo(1);
    }

    @Test
    void aModifiedRecordIsReportedAltered() throws Exception {
        lines.set(7, lines.get(7).replace("\"status\":200", "\"status\":201"));
        rewrite();
        VerifyReport report = LogVerifier.verifySpool(dir);
        assertThat(report.altered()).containsExactly("log-7");
        assertThat(report.missing()).isEmpty();
        assertThat(report.reordered()).isEmpty();
    }

    @Test
    void aSwappedPairIsReportedReordered() throws Exception {
        Collections.swap(lines, 3, 4);
        rewrite();
        VerifyReport report = LogVerifier.verifySpool(dir);
        assertThat(report.reordered()).containsExactly("log-4", "log-3");
        assertThat(report.missing()).isEmpty();
        assertThat(report.altered()).isEmpty();
        assertThat(report.describe()).contains("chain BROKEN", "reordered: log-4", "reordered: log-3");
    }

    @Test
    void aRecordWhoseChainFieldsWereRewrittenIsStillCaught() throws Exception {
        // Deleting record 5 and renumbering 6 to 5 so the sequence looks whole: the hashes give it away.
        String six = lines.get(6).replace("\"seq\":6,", "\"seq\":5,");
        lines.remove(5);
        lines.set(5, six);
        rewrite();
        VerifyReport report = LogVerifier.verifySpool(dir);
        assertThat(report.intact()).isFalse();
        assertThat(report.altered()).isNotEmpty();
    }

    @Test
    void theCommandSaysHowToUseIt() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = LogVerifier.run(new String[] {"--nope", "x"}, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option --nope", "usage: verify-logs");
        assertThat(LogVerifier.run(new String[] {}, System.out, new PrintStream(new ByteArrayOutputStream()))).isEqualTo(2);
    }

    private static int run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        return LogVerifier.run(args, new PrintStream(out), new PrintStream(new ByteArrayOutputStream()));
    }
}
