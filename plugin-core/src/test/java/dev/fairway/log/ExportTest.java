package dev.fairway.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.LogsSettings;
import dev.fairway.log.export.S3Exporter;
import dev.fairway.log.spool.Segments;
import dev.fairway.log.spool.SpoolWriter;
import dev.fairway.log.verify.LogVerifier;
import dev.fairway.log.verify.VerifyReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/** Export to a real S3-compatible server: round trip, outage, restart, crash after upload. */
class ExportTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String BUCKET = "audit";

    @TempDir
    Path dir;
    private S3ProxyFixture s3;
    private final List<Long> waits = new CopyOnWriteArrayList<>();
    private final S3Exporter.Sleeper sleeper = ms -> {
        waits.add(ms);
        // Retry at once (a few ms to keep the loop polite): the requested backoff is what is checked.
        Thread.sleep(5);
    };

    @BeforeEach
    void startS3() throws Exception {
        s3 = new S3ProxyFixture();
        s3.createBucket(BUCKET);
    }

    @AfterEach
    void stopS3() throws Exception {
        s3.close();
    }

    private LogsSettings settings(boolean export) {
        String yaml = "logs:\n  spool_dir: " + dir + "\n  fsync: always\n  segment_max_bytes: 4096\n"
                + (export ? "  export:\n" + s3.exportYaml(BUCKET, "    ") : "");
        return ConfigLoader.withEnv(Map.of("S3_ACCESS", S3ProxyFixture.ACCESS_KEY, "S3_SECRET", S3ProxyFixture.SECRET_KEY))
                .parse(yaml).logs();
    }

    private LogStage start(boolean export) {
        return LogStage.start(settings(export), Clock.systemUTC(), sleeper);
    }

    private static void submit(LogStage stage, int from, int count) throws Exception {
        // Below the gateway: the writer is what the log step hands entries to.
        SpoolWriter writer = writerOf(stage);
        for (int i = from; i < from + count; i++) {
            assertThat(writer.submit(Entries.entry("log-" + i))).isTrue();
        }
        stage.flush(true).get(10, TimeUnit.SECONDS);
    }

    private static SpoolWriter writerOf(LogStage stage) {
        return stage.writer();
    }

    private static void awaitExported(LogStage stage, long seq) throws InterruptedException {
        Waits.until("export up to seq " + seq, Duration.ofSeconds(30),
                () -> stage.exporter().position() >= seq && stage.stats().exportBacklogSegments() == 0);
    }

    /** Every record in the bucket, in key order, as log ids. */
    private List<String> exportedIds() throws Exception {
        List<String> ids = new ArrayList<>();
        for (String key : s3.keys(BUCKET)) {
            String text = new String(S3ProxyFixture.gunzip(s3.raw(BUCKET, key)), StandardCharsets.UTF_8);
            String[] lines = text.split("\n");
            assertThat(MAPPER.readTree(lines[lines.length - 1]).has("manifest")).as("%s ends with its manifest", key).isTrue();
            for (String line : lines) {
                JsonNode node = MAPPER.readTree(line);
                if (node.has("log_id")) {
                    ids.add(node.get("log_id").asText());
                }
            }
        }
        return ids;
    }

    private static List<String> ids(int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add("log-" + i);
        }
        return out;
    }

    private VerifyReport verifyBucket() {
        try (S3Client client = s3.client()) {
            return LogVerifier.verifyBucket(client, BUCKET, "audit/node-1");
        }
    }

    @Test
    void roundTripWithManifestsAndAnIntactChain() throws Exception {
        try (LogStage stage = start(true)) {
            submit(stage, 0, 20);
            awaitExported(stage, 20);
            assertThat(Segments.list(dir)).as("exported segments leave the spool").hasSize(1);
        }
        assertThat(exportedIds()).containsExactlyElementsOf(ids(0, 20));
        List<String> keys = s3.keys(BUCKET);
        assertThat(keys).hasSizeGreaterThan(1).allMatch(k -> k.startsWith("audit/node-1/2025/11/24/"));
        VerifyReport report = verifyBucket();
        assertThat(report.intact()).as(report.describe()).isTrue();
        assertThat(report.records()).isEqualTo(20);
    }

    @Test
    void anOutageKeepsRecordsInTheSpoolAndExportsEachExactlyOnceAfterwards() throws Exception {
        try (LogStage stage = start(true)) {
            submit(stage, 0, 10);
            awaitExported(stage, 10);

            s3.stop();
            submit(stage, 10, 15);
            Waits.until("three failed attempts", Duration.ofSeconds(30), () -> stage.exporter().failures() >= 3);
            assertThat(stage.exporter().position()).isEqualTo(10);
            assertThat(stage.exporter().backlogSegments()).isPositive();
            assertThat(Segments.list(dir).size()).isGreaterThan(1);

            s3.start();
            awaitExported(stage, 25);
        }
        assertThat(exportedIds()).containsExactlyElementsOf(ids(0, 25));
        // Backoff doubles from retry_initial_ms up to retry_max_ms.
        assertThat(waits).startsWith(100L, 200L, 400L).allMatch(w -> w <= 400);
        assertThat(verifyBucket().intact()).isTrue();
    }

    @Test
    void aRestartExportsWhatThePreviousRunLeftInTheSpool() throws Exception {
        try (LogStage stage = start(false)) {
            submit(stage, 0, 12);
        }
        assertThat(s3.keys(BUCKET)).isEmpty();
        try (LogStage stage = start(true)) {
            submit(stage, 12, 3);
            awaitExported(stage, 15);
        }
        assertThat(exportedIds()).containsExactlyElementsOf(ids(0, 15));
        VerifyReport report = verifyBucket();
        assertThat(report.intact()).as(report.describe()).isTrue();
        assertThat(report.firstSeq()).isEqualTo(1);
    }

    @Test
    void aCrashBetweenUploadAndBookkeepingUploadsTheSameObjectAgain() throws Exception {
        Path saved = dir.resolveSibling(dir.getFileName() + "-saved");
        Files.createDirectories(saved);
        try (LogStage stage = start(false)) {
            submit(stage, 0, 4);
        }
        for (Path seg : Segments.list(dir)) {
            Files.copy(seg, saved.resolve(seg.getFileName()));
        }
        try (LogStage stage = start(true)) {
            awaitExported(stage, 4);
        }
        List<String> keysBefore = s3.keys(BUCKET);
        byte[] objectBefore = s3.raw(BUCKET, keysBefore.get(0));
        // The process died after the PUT, before export.position and the segment's removal were on disk.
        Files.delete(dir.resolve("export.position"));
        for (Path seg : Segments.list(saved)) {
            Files.copy(seg, dir.resolve(seg.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        try (LogStage stage = start(true)) {
            awaitExported(stage, 4);
            assertThat(stage.exporter().exportedObjects()).isEqualTo(1);
        }
        assertThat(s3.keys(BUCKET)).isEqualTo(keysBefore);
        assertThat(s3.raw(BUCKET, keysBefore.get(0))).isEqualTo(objectBefore);
        assertThat(exportedIds()).containsExactlyElementsOf(ids(0, 4));
    }

    @Test
    void aRecordChangedInTheBucketIsCaughtEvenAtTheEndOfAnObject() throws Exception {
        try (LogStage stage = start(true)) {
            submit(stage, 0, 3);
            awaitExported(stage, 3);
        }
        String key = s3.keys(BUCKET).get(0);
        String text = new String(S3ProxyFixture.gunzip(s3.raw(BUCKET, key)), StandardCharsets.UTF_8);
        String[] lines = text.split("\n");
        // The last record before the manifest: no successor vouches for it, the manifest does.
        lines[2] = lines[2].replace("\"tokens_out\":20", "\"tokens_out\":2");
        java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
        try (var out = new java.util.zip.GZIPOutputStream(gz)) {
            out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        try (S3Client client = s3.client()) {
            client.putObject(b -> b.bucket(BUCKET).key(key), software.amazon.awssdk.core.sync.RequestBody.fromBytes(gz.toByteArray()));
        }
        VerifyReport report = verifyBucket();
        assertThat(report.altered()).containsExactly("log-2");
        assertThat(report.intact()).isFalse();
    }

    @Test
    void aWholeObjectDeletedFromTheBucketIsReportedWithTheIdItEndedWith() throws Exception {
        try (LogStage stage = start(true)) {
            submit(stage, 0, 20);
            awaitExported(stage, 20);
        }
        List<String> keys = s3.keys(BUCKET);
        assertThat(keys).hasSizeGreaterThanOrEqualTo(3);
        String middle = keys.get(1);
        long first = dev.fairway.log.export.ObjectNames.firstSeq(middle);
        String text = new String(S3ProxyFixture.gunzip(s3.raw(BUCKET, middle)), StandardCharsets.UTF_8);
        JsonNode manifest = MAPPER.readTree(text.substring(text.lastIndexOf("{\"manifest\"")).strip()).get("manifest");
        try (S3Client client = s3.client()) {
            client.deleteObject(b -> b.bucket(BUCKET).key(middle));
        }
        VerifyReport report = verifyBucket();
        assertThat(report.missing()).containsExactly(new VerifyReport.Missing(first, manifest.get("last_seq").asLong(),
                manifest.get("last_id").asText(), "log-" + (first - 2), "log-" + manifest.get("last_seq").asLong()));
        assertThat(report.altered()).isEmpty();
    }

    @Test
    void aDamagedSegmentIsSetAsideAndTheRestIsStillExported() throws Exception {
        try (LogStage stage = start(false)) {
            submit(stage, 0, 3);
            submit(stage, 3, 3);
        }
        List<Path> segments = Segments.list(dir);
        // The first closed segment loses its header (a disk fault): it must not block the ones after it.
        Path damaged = segments.get(0);
        String text = Files.readString(damaged);
        Files.writeString(damaged, text.substring(text.indexOf('\n') + 1).replace("\"seq\":2,", "\"seq\":2"));
        try (LogStage stage = start(true)) {
            awaitExported(stage, 6);
        }
        assertThat(dir.resolve(damaged.getFileName() + ".corrupt")).exists();
        assertThat(exportedIds()).containsExactlyElementsOf(ids(3, 6));
        VerifyReport report = verifyBucket();
        assertThat(report.missing()).extracting(VerifyReport.Missing::fromSeq, VerifyReport.Missing::toSeq)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, 3L));
    }
}
