package dev.fairway.log.verify;

import dev.fairway.config.ConfigLoader;
import dev.fairway.config.ExportSettings;
import dev.fairway.config.GatewayConfig;
import dev.fairway.log.export.ObjectNames;
import dev.fairway.log.export.S3Clients;
import dev.fairway.log.spool.Segments;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Proves that a log has lost, gained or changed nothing since it was written: reads exported
 * objects (or a local spool), recomputes the hash chain and reports missing, reordered and altered
 * records by id. What it cannot see: records cut from the very end of the newest object together
 * with its manifest, since nothing after them vouches for them; keep the newest log id elsewhere
 * (the gateway's own logs show it) to close that gap.
 */
public final class LogVerifier {
    private LogVerifier() {}

    /** Verifies a local spool directory (segments not yet exported; the chain may start anywhere). */
    public static VerifyReport verifySpool(Path dir) {
        ChainCheck check = new ChainCheck();
        try {
            for (Path segment : Segments.list(dir)) {
                Segments.Content content = Segments.read(segment);
                check.add(segment.getFileName().toString(), content.records());
            }
        } catch (IOException e) {
            check.problem(dir + ": cannot be read (" + e.getMessage() + ")");
        }
        return check.report(false);
    }

    /**
     * Verifies every exported object under {@code prefix} in {@code bucket}. The bucket is expected
     * to hold the chain from its first record: records before the oldest object are reported missing.
     */
    public static VerifyReport verifyBucket(S3Client s3, String bucket, String prefix) {
        ChainCheck check = new ChainCheck();
        String p = prefix == null || prefix.isEmpty() ? "" : (prefix.endsWith("/") ? prefix : prefix + "/");
        List<S3Object> objects = new ArrayList<>();
        try {
            s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket).prefix(p).build())
                    .contents().forEach(objects::add);
        } catch (SdkException e) {
            check.problem("s3://" + bucket + "/" + p + ": cannot be listed (" + e.getMessage() + ")");
            return check.report(true);
        }
        // The key names the first sequence number; within an hour directory and across them, that is chain order.
        objects.sort(Comparator.comparingLong((S3Object o) -> ObjectNames.firstSeq(o.key())).thenComparing(S3Object::key));
        for (S3Object o : objects) {
            if (ObjectNames.firstSeq(o.key()) < 0) {
                continue;
            }
            try (InputStream in = new GZIPInputStream(s3.getObject(b -> b.bucket(bucket).key(o.key())))) {
                check.add(o.key(), lines(in.readAllBytes()));
            } catch (IOException | SdkException e) {
                check.problem(o.key() + ": cannot be read (" + e.getMessage() + ")");
            }
        }
        return check.report(true);
    }

    /**
     * The {@code verify-logs} command: {@code --spool DIR}, or {@code --config FILE} (the bucket of
     * its logs.export), or {@code --bucket B [--prefix P] [--endpoint URL] [--region R]} with
     * credentials from the AWS default chain. Prints the report; returns 0 when the chain is
     * intact, 1 when it is not, 2 on a usage error.
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        String spool = null;
        String config = null;
        String bucket = null;
        String prefix = null;
        String endpoint = null;
        String region = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                err.println("verify-logs: " + a + " needs a value");
                return usage(err);
            }
            String v = args[++i];
            switch (a) {
                case "--spool" -> spool = v;
                case "--config" -> config = v;
                case "--bucket" -> bucket = v;
                case "--prefix" -> prefix = v;
                case "--endpoint" -> endpoint = v;
                case "--region" -> region = v;
                default -> {
                    err.println("verify-logs: unknown option " + a);
                    return usage(err);
                }
            }
        }
        VerifyReport report;
        if (spool != null) {
            report = verifySpool(Path.of(spool));
        } else {
            ExportSettings settings;
            try {
                if (config != null) {
                    GatewayConfig c = ConfigLoader.standard().load(Path.of(config));
                    settings = c.logs().export();
                    if (settings == null) {
                        err.println("verify-logs: " + config + " has no logs.export section");
                        return 2;
                    }
                } else if (bucket != null) {
                    settings = new ExportSettings(endpoint, region, bucket, prefix, null, null, null, null, null, null, null);
                } else {
                    err.println("verify-logs: give --spool, --config or --bucket");
                    return usage(err);
                }
            } catch (RuntimeException e) {
                err.println("verify-logs: " + e.getMessage());
                return 2;
            }
            try (S3Client s3 = S3Clients.create(settings)) {
                report = verifyBucket(s3, settings.bucket(), prefix != null ? prefix : settings.prefix());
            } catch (SdkException e) {
                err.println("verify-logs: " + e.getMessage());
                return 2;
            }
        }
        out.print(report.describe());
        return report.intact() ? 0 : 1;
    }

    private static int usage(PrintStream err) {
        err.println("usage: verify-logs --spool DIR | --config FILE | --bucket NAME [--prefix P] [--endpoint URL] [--region R]");
        return 2;
    }

    static List<byte[]> lines(byte[] bytes) {
        List<byte[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == '\n') {
                if (i > start) {
                    lines.add(java.util.Arrays.copyOfRange(bytes, start, i));
                }
                start = i + 1;
            }
        }
        return lines;
    }
}
