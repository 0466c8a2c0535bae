package dev.fairway.log.export;

import dev.fairway.config.ExportSettings;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/** Builds the S3 client the exporter and the verifier use. */
public final class S3Clients {
    private S3Clients() {}

    public static S3Client create(ExportSettings settings) {
        return builder(settings).build();
    }

    /** A builder set up for {@code settings}, for callers that add to it (interceptors, metrics). */
    public static S3ClientBuilder builder(ExportSettings settings) {
        S3ClientBuilder b = S3Client.builder()
                .region(Region.of(settings.region()))
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(60)))
                .forcePathStyle(settings.pathStyle())
                .credentialsProvider(credentials(settings))
                // The exporter retries with its own backoff, without ever skipping a segment.
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
        if (settings.endpoint() != null) {
            b.endpointOverride(URI.create(settings.endpoint()));
            // Many S3-compatible stores reject the SDK's default trailing checksums; send them only where
            // the API demands. Object Lock PUTs carry a Content-MD5 instead (see S3Exporter).
            b.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        }
        return b;
    }

    private static AwsCredentialsProvider credentials(ExportSettings settings) {
        if (settings.accessKeyId() == null) {
            return DefaultCredentialsProvider.builder().build();
        }
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(
                settings.accessKeyId().reveal(), settings.secretAccessKey().reveal()));
    }
}
