package dev.fairway.config;

import java.net.URI;
import java.util.Objects;

@Doc("Export of log records to S3-compatible storage as gzip NDJSON objects under <prefix>/yyyy/mm/dd/hh/.")
public record ExportSettings(
        @Doc("Endpoint of an S3-compatible store (MinIO, Ceph, ...); AWS S3 when left out.") String endpoint,
        @Doc(value = "Region of the bucket.", defaultValue = "us-east-1") String region,
        @Doc("Bucket the objects go to.") String bucket,
        @Doc(value = "Key prefix of the objects; give each gateway node its own, as each keeps its own hash chain.", defaultValue = "fairway-logs") String prefix,
        @Doc("Access key id; the AWS default credential chain when left out.") Secret accessKeyId,
        @Doc("Secret access key; required with access_key_id.") Secret secretAccessKey,
        @Doc(value = "Address buckets in the path (https://host/bucket/key), as most S3-compatible stores need.", defaultValue = "true with an endpoint, else false") Boolean pathStyle,
        @Doc("Object Lock mode set on every object: GOVERNANCE or COMPLIANCE; none when left out (the bucket must have Object Lock enabled).") ObjectLockMode objectLockMode,
        @Doc("Days each object is retained under Object Lock; required with object_lock_mode.") Integer objectLockRetentionDays,
        @Doc(value = "Milliseconds before the first retry of a failed upload; doubled on each failure.", defaultValue = "500") Integer retryInitialMs,
        @Doc(value = "Longest wait between retries, in milliseconds.", defaultValue = "60000") Integer retryMaxMs)
        implements Validatable {

    public ExportSettings {
        region = Objects.requireNonNullElse(region, "us-east-1");
        prefix = stripSlashes(Objects.requireNonNullElse(prefix, "fairway-logs"));
        pathStyle = Objects.requireNonNullElse(pathStyle, endpoint != null);
        retryInitialMs = Objects.requireNonNullElse(retryInitialMs, 500);
        retryMaxMs = Objects.requireNonNullElse(retryMaxMs, 60_000);
    }

    private static String stripSlashes(String p) {
        String s = p;
        while (s.startsWith("/")) {
            s = s.substring(1);
        }
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    @Override
    public void validate(Problems problems) {
        if (endpoint != null) {
            URI uri = null;
            try {
                uri = URI.create(endpoint);
            } catch (IllegalArgumentException e) {
                // reported below
            }
            problems.require(uri != null && uri.isAbsolute() && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())),
                    "endpoint", "%s (expected: an absolute http or https URL)", endpoint);
        }
        problems.require(bucket != null && !bucket.isBlank(), "bucket", "required");
        problems.require(!region.isBlank(), "region", "must not be blank");
        problems.require((accessKeyId == null) == (secretAccessKey == null), "secret_access_key",
                "access_key_id and secret_access_key go together");
        if (objectLockMode != null) {
            problems.require(objectLockRetentionDays != null && objectLockRetentionDays > 0,
                    "object_lock_retention_days", "%s (expected: > 0 with object_lock_mode)", objectLockRetentionDays);
        } else {
            problems.require(objectLockRetentionDays == null, "object_lock_retention_days", "needs object_lock_mode");
        }
        problems.require(retryInitialMs > 0, "retry_initial_ms", "%s (expected: > 0)", retryInitialMs);
        problems.require(retryMaxMs >= retryInitialMs, "retry_max_ms", "%s (expected: >= retry_initial_ms)", retryMaxMs);
    }

    /** S3 Object Lock's retention modes, written as S3 writes them. */
    public enum ObjectLockMode { GOVERNANCE, COMPLIANCE }
}
