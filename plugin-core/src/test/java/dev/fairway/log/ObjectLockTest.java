package dev.fairway.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.config.ConfigLoader;
import dev.fairway.config.LogsSettings;
import dev.fairway.log.export.S3Clients;
import dev.fairway.log.export.S3Exporter;
import dev.fairway.log.spool.Spool;
import dev.fairway.log.spool.SpoolWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Object Lock: every PUT carries the configured mode and a retain-until date of the export time
 * plus the retention period. s3proxy does not implement Object Lock (it answers 501 to the headers
 * unless told to ignore them), so the headers are checked on the wire.
 */
class ObjectLockTest {
    @TempDir
    Path dir;

    @Test
    void everyObjectIsPutWithTheRetentionModeAndPeriod() throws Exception {
        SpoolTest.MutableClock clock = new SpoolTest.MutableClock();
        List<SdkHttpRequest> puts = new CopyOnWriteArrayList<>();
        try (S3ProxyFixture s3 = new S3ProxyFixture(true)) {
            s3.createBucket("locked");
            LogsSettings settings = ConfigLoader.withEnv(Map.of("S3_ACCESS", S3ProxyFixture.ACCESS_KEY, "S3_SECRET", S3ProxyFixture.SECRET_KEY))
                    .parse("logs:\n  spool_dir: " + dir + "\n  export:\n" + s3.exportYaml("locked", "    ")
                            + "    object_lock_mode: COMPLIANCE\n    object_lock_retention_days: 400\n").logs();
            ExecutionInterceptor capture = new ExecutionInterceptor() {
                @Override
                public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                    if (context.httpRequest().method().name().equals("PUT")) {
                        puts.add(context.httpRequest());
                    }
                }
            };
            var client = S3Clients.builder(settings.export())
                    .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()).addExecutionInterceptor(capture))
                    .build();
            try (Spool spool = Spool.open(dir, 1 << 20, 60_000, clock);
                 S3Exporter exporter = S3Exporter.start(spool, settings.export(), client, clock, ms -> Thread.sleep(5))) {
                SpoolWriter writer = new SpoolWriter(spool, 64, 64L << 20, SpoolWriter.Fsync.ALWAYS, 1000, clock, exporter::wake);
                writer.submit(Entries.entry("locked-1"));
                writer.flush(true).get(10, TimeUnit.SECONDS);
                Waits.until("the export", Duration.ofSeconds(20), () -> exporter.position() >= 1);
                writer.close();
            }
            assertThat(s3.keys("locked")).hasSize(1);
        }
        assertThat(puts).hasSize(1);
        SdkHttpRequest put = puts.get(0);
        assertThat(put.firstMatchingHeader("x-amz-object-lock-mode")).hasValue("COMPLIANCE");
        assertThat(put.firstMatchingHeader("x-amz-object-lock-retain-until-date").map(Instant::parse))
                .hasValue(clock.instant().plus(Duration.ofDays(400)));
        assertThat(put.firstMatchingHeader("Content-MD5")).isPresent();
    }
}
