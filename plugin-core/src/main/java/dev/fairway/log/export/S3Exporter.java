package dev.fairway.log.export;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fairway.config.ExportSettings;
import dev.fairway.log.spool.Chain;
import dev.fairway.log.spool.Segments;
import dev.fairway.log.spool.Spool;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Exports closed spool segments, oldest first, each as one gzip NDJSON object ending with a
 * manifest line. The last exported sequence number is kept in {@code export.position} (replaced
 * atomically) and a segment is deleted only after its object is stored, so:
 * <ul>
 *   <li>an S3 outage leaves segments in the spool; the same segment is retried with backoff, never skipped;</li>
 *   <li>a crash between upload and bookkeeping uploads the same segment again under the same key,
 *       replacing the object: records arrive exactly once.</li>
 * </ul>
 */
public final class S3Exporter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(S3Exporter.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    static final String POSITION = "export.position";

    /** Waits between retries; tests pass one that does not really wait. */
    @FunctionalInterface
    public interface Sleeper {
        Sleeper REAL = Thread::sleep;

        void sleep(long millis) throws InterruptedException;
    }

    private final Spool spool;
    private final S3Client s3;
    private final ExportSettings settings;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Thread thread;
    private final Object signal = new Object();
    private final AtomicLong exported = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile int backlog;
    private volatile java.util.function.LongSupplier readUpTo = () -> Long.MAX_VALUE;
    private volatile boolean stopping;
    private boolean woken;

    private S3Exporter(Spool spool, S3Client s3, ExportSettings settings, Clock clock, Sleeper sleeper) {
        this.spool = spool;
        this.s3 = s3;
        this.settings = settings;
        this.clock = clock;
        this.sleeper = sleeper;
        this.thread = Thread.ofPlatform().name("fairway-log-export").daemon(true).unstarted(this::run);
    }

    public static S3Exporter start(Spool spool, ExportSettings settings, Clock clock, Sleeper sleeper) {
        return start(spool, settings, S3Clients.create(requireNonNull(settings, "settings")), clock, sleeper);
    }

    /** Starts exporting with a client of the caller's making; the exporter closes it when it closes. */
    public static S3Exporter start(Spool spool, ExportSettings settings, S3Client s3, Clock clock, Sleeper sleeper) {
        S3Exporter e = new S3Exporter(requireNonNull(spool, "spool"), requireNonNull(s3, "s3"),
                requireNonNull(settings, "settings"), requireNonNull(clock, "clock"), requireNonNull(sleeper, "sleeper"));
        e.thread.start();
        return e;
    }

    /** Asks for a scan of the spool now (a segment was just closed). */
    public void wake() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    public long exportedObjects() {
        return exported.get();
    }

    public long failures() {
        return failures.get();
    }

    /** Closed segments still waiting for export at the last scan. */
    public int backlogSegments() {
        return backlog;
    }

    /**
     * Keeps exported segments in the spool until another reader of the spool (the log store's
     * feeder) has read them: a segment is deleted only when its last record is at or before
     * {@code position}.
     */
    public void keepUnread(java.util.function.LongSupplier position) {
        this.readUpTo = requireNonNull(position, "position");
    }

    /** The last sequence number stored in the bucket, 0 before the first export. */
    public long position() {
        return readPosition(spool.dir());
    }

    private void run() {
        while (!stopping) {
            try {
                exportClosed();
                synchronized (signal) {
                    if (!woken && !stopping) {
                        signal.wait(1000);
                    }
                    woken = false;
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                LOG.warn("log export scan failed: {}", e.toString());
            }
        }
    }

    private void exportClosed() throws IOException, InterruptedException {
        List<Path> segments = spool.closedSegments();
        backlog = segments.size();
        for (Path segment : segments) {
            long wait = settings.retryInitialMs();
            while (!stopping) {
                try {
                    exportSegment(segment);
                    break;
                } catch (SdkException | IOException | UncheckedIOException e) {
                    failures.incrementAndGet();
                    LOG.warn("log export of {} failed, retrying in {} ms: {}", segment.getFileName(), wait, e.getMessage());
                    sleeper.sleep(wait);
                    wait = Math.min(wait * 2, settings.retryMaxMs());
                }
            }
            if (stopping) {
                return;
            }
            backlog = Math.max(0, backlog - 1);
        }
    }

    private void deleteIfRead(Path segment, long lastSeq) throws IOException {
        if (lastSeq <= readUpTo.getAsLong()) {
            Files.deleteIfExists(segment);
        }
    }

    private void exportSegment(Path segment) throws IOException {
        Segments.Content content = Segments.read(segment);
        if (content.header() == null) {
            // Not a segment this spool wrote whole: set aside, never retried forever, and the verifier
            // will report the records it should have held as missing.
            Path aside = segment.resolveSibling(segment.getFileName() + ".corrupt");
            Files.move(segment, aside, StandardCopyOption.REPLACE_EXISTING);
            LOG.error("log spool segment {} has no header; moved to {} and skipped", segment.getFileName(), aside.getFileName());
            return;
        }
        long position = readPosition(spool.dir());
        if (content.records().isEmpty() || content.lastSeq() <= position) {
            // Empty, or stored before a crash cut the bookkeeping short (or kept for the log store): nothing to send.
            if (content.records().isEmpty()) {
                Files.deleteIfExists(segment);
            } else {
                deleteIfRead(segment, content.lastSeq());
            }
            return;
        }
        List<byte[]> records = content.records();
        byte[] first = records.get(0);
        byte[] last = records.get(records.size() - 1);
        // A damaged line is exported as it is (the verifier reports it); it must not stop the export.
        JsonNode firstNode = tree(first);
        Instant when = createdAt(firstNode);
        String key = ObjectNames.key(settings.prefix(), when, content.firstSeq(), content.lastSeq());
        byte[] body = gzip(records, manifest(content, firstNode, tree(last)));
        PutObjectRequest.Builder put = PutObjectRequest.builder()
                .bucket(settings.bucket())
                .key(key)
                .contentType("application/gzip")
                .metadata(java.util.Map.of("first-seq", Long.toString(content.firstSeq()),
                        "last-seq", Long.toString(content.lastSeq())));
        if (settings.objectLockMode() != null) {
            // S3 requires an integrity check on Object Lock PUTs; Content-MD5 is the one every store understands.
            put.objectLockMode(ObjectLockMode.fromValue(settings.objectLockMode().name()))
                    .objectLockRetainUntilDate(clock.instant().plus(Duration.ofDays(settings.objectLockRetentionDays())))
                    .contentMD5(md5(body));
        }
        s3.putObject(put.build(), RequestBody.fromBytes(body));
        writePosition(spool.dir(), content.lastSeq());
        deleteIfRead(segment, content.lastSeq());
        exported.incrementAndGet();
    }

    private static byte[] manifest(Segments.Content content, JsonNode first, JsonNode last) throws IOException {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode m = root.putObject("manifest");
        List<byte[]> records = content.records();
        m.put("first_seq", first.path("seq").asLong(content.firstSeq()));
        m.put("last_seq", last.path("seq").asLong(content.lastSeq()));
        m.put("count", records.size());
        m.put("prev_hash", content.header().path("segment").path("prev_hash").asText());
        m.put("first_id", first.path("log_id").asText(null));
        m.put("last_id", last.path("log_id").asText(null));
        m.put("first_hash", Chain.hash(records.get(0)));
        m.put("last_hash", Chain.hash(records.get(records.size() - 1)));
        return MAPPER.writeValueAsBytes(root);
    }

    private static byte[] gzip(List<byte[]> records, byte[] manifest) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // Java writes no timestamp into the gzip header: the same segment gives the same bytes.
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            for (byte[] line : records) {
                gz.write(line);
                gz.write('\n');
            }
            gz.write(manifest);
            gz.write('\n');
        }
        return out.toByteArray();
    }

    private static JsonNode tree(byte[] line) {
        try {
            return MAPPER.readTree(line);
        } catch (IOException e) {
            return MAPPER.createObjectNode();
        }
    }

    private static Instant createdAt(JsonNode record) {
        try {
            return Instant.parse(record.path("created_at").asText(""));
        } catch (java.time.format.DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }

    private static String md5(byte[] body) {
        try {
            return java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("MD5").digest(body));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static long readPosition(Path dir) {
        Path file = dir.resolve(POSITION);
        try {
            return Files.exists(file) ? Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).strip()) : 0;
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException(file + " is unreadable (" + e.getMessage() + "); fix or remove it", e);
        }
    }

    private static void writePosition(Path dir, long seq) throws IOException {
        Path tmp = dir.resolve(POSITION + ".tmp");
        Files.writeString(tmp, Long.toString(seq), StandardCharsets.US_ASCII);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, dir.resolve(POSITION), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void close() {
        stopping = true;
        wake();
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        s3.close();
    }
}
