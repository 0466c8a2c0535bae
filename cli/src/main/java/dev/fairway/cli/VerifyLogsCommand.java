package dev.fairway.cli;

import dev.fairway.log.verify.LogVerifier;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "verify-logs",
        mixinStandardHelpOptions = true,
        description = {
            "Checks the hash chain of request logs and reports missing, reordered or altered records by id.",
            "%nReads a local spool (--spool), or the bucket of a configuration's logs.export (--config), or a bucket named "
                    + "directly (--bucket, with credentials from the AWS default chain). Exit status: 0 intact, 1 broken, 2 usage error.%n"
        })
final class VerifyLogsCommand implements Callable<Integer> {
    @Option(names = "--spool", description = "A spool directory to verify.")
    String spool;

    @Option(names = "--config", description = "A Fairway configuration whose logs.export bucket to verify.")
    String config;

    @Option(names = "--bucket", description = "An S3 bucket to verify.")
    String bucket;

    @Option(names = "--prefix", description = "Object key prefix within the bucket.")
    String prefix;

    @Option(names = "--endpoint", description = "S3-compatible endpoint URL (default: AWS).")
    String endpoint;

    @Option(names = "--region", description = "Bucket region.")
    String region;

    @Override
    public Integer call() {
        List<String> args = new ArrayList<>();
        add(args, "--spool", spool);
        add(args, "--config", config);
        add(args, "--bucket", bucket);
        add(args, "--prefix", prefix);
        add(args, "--endpoint", endpoint);
        add(args, "--region", region);
        return LogVerifier.run(args.toArray(String[]::new), System.out, System.err);
    }

    private static void add(List<String> args, String name, String value) {
        if (value != null) {
            args.add(name);
            args.add(value);
        }
    }
}
