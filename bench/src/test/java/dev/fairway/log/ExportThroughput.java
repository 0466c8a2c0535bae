package dev.fairway.log;

import dev.fairway.config.ConfigLoader;
import dev.fairway.config.LogsSettings;
import dev.fairway.pipeline.Ids;
import dev.fairway.pipeline.Usage;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Export throughput: records per second from the log stage's queue, through the spool, to gzip
 * NDJSON objects in an S3-compatible server on loopback (s3proxy in this JVM, in-memory blobs, SigV4).
 * A program, not a test: {@code bench/run.sh} runs it and prints one line.
 *
 * <pre>java -cp &lt;bench test classpath&gt; dev.fairway.log.ExportThroughput [records]</pre>
 */
public final class ExportThroughput {
    private static final String ACCESS = "AKIAFAIRWAYBENCH0001";
    private static final String SECRET = "bench-secret-not-a-real-one-0000000000";

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        BlobStoreContext blobs = ContextBuilder.newBuilder("transient").credentials("identity", "credential").build(BlobStoreContext.class);
        S3Proxy proxy = S3Proxy.builder().blobStore(blobs.getBlobStore()).endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET).build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.onSpinWait();
        }
        try (S3Client s3 = S3Client.builder().endpointOverride(URI.create("http://127.0.0.1:" + port)).region(Region.US_EAST_1)
                .forcePathStyle(true).requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS, SECRET))).build()) {
            s3.createBucket(b -> b.bucket("logs"));
        }
        Path spool = Files.createTempDirectory("fairway-export-bench");
        LogsSettings settings = ConfigLoader.withEnv(Map.of("S3_ACCESS", ACCESS, "S3_SECRET", SECRET)).parse("""
                logs:
                  spool_dir: '%s'
                  fsync: interval
                  segment_max_bytes: 8388608
                  export: {endpoint: 'http://127.0.0.1:%d', bucket: logs, prefix: bench, access_key_id: '${env:S3_ACCESS}', secret_access_key: '${env:S3_SECRET}'}
                """.formatted(spool, port)).logs();
        try (LogStage stage = LogStage.start(settings)) {
            Redactor redactor = Redactor.of(Set.of());
            long start = System.nanoTime();
            for (int i = 0; i < records; i++) {
                // Keep the queue below its capacity: a full queue drops (and counts) records, which is
                // the request path's behaviour, not what a throughput figure should include.
                while (stage.writer().queued() > settings.queueCapacity() - 1024) {
                    Thread.onSpinWait();
                }
                stage.writer().submit(entry(redactor, i));
            }
            stage.flush(true).get();
            while (stage.stats().exportBacklogSegments() > 0) {
                Thread.sleep(5);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            LogStage.LogStats stats = stage.stats();
            System.out.printf("export records=%d seconds=%.2f records_per_second=%.0f objects=%d failures=%d dropped=%d%n",
                    records, seconds, records / seconds, stats.exportedObjects(), stats.exportFailures(), stats.dropped());
        } finally {
            proxy.stop();
            blobs.close();
        }
    }

    /** A record as a metered, non-payload chat request leaves it. */
    private static LogEntry entry(Redactor redactor, int i) {
        return new LogEntry(Ids.logId(), null, System.currentTimeMillis(), 950_000_000L, 180_000_000L, "chat", "openai",
                "gpt-4o-mini", "POST", "/v1/chat/completions", 200, true, false, 0, 1, null, new Usage(412, 96, 0),
                0.000_123, false, Map.of("user", "u-" + (i % 100)), 2048, 1432, false, "c0ffee" + (i % 10),
                Map.of("content-type", "application/json"), null, null, false, redactor);
    }
}
