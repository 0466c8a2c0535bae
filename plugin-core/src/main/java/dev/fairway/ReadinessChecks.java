package dev.fairway;

import dev.fairway.admin.Readiness;
import dev.fairway.config.GatewayConfig;
import dev.fairway.config.QuotaRule;
import dev.fairway.log.LogStage;
import dev.fairway.pipeline.Gateway;
import dev.fairway.pipeline.Stage;
import dev.fairway.quota.QuotaStage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/** The checks behind a process's {@code /readyz}, read from its configuration at every probe (reloads included). */
final class ReadinessChecks {
    private ReadinessChecks() {}

    /**
     * What {@code /readyz} checks: the process is not stopping; where a route's quota fails
     * closed, its Redis answers (otherwise an outage refuses every request of that route); the
     * log spool's directory is writable.
     */
    static Readiness of(Gateway gateway, List<Stage> stages, AtomicBoolean stopping) {
        Readiness r = new Readiness().addSync("listeners", () -> stopping.get() ? "stopping" : null);
        for (Stage s : stages) {
            if (s instanceof QuotaStage quota) {
                r.add("quota_store", () -> needsQuotaStore(gateway.config()) ? quota.ping()
                        : CompletableFuture.completedFuture(null));
            }
            if (s instanceof LogStage) {
                r.addSync("log_spool", () -> {
                    Path dir = Path.of(gateway.config().logs().spoolDir());
                    return Files.isDirectory(dir) && Files.isWritable(dir)
                            ? null : "logs.spool_dir is not a writable directory";
                });
            }
        }
        return r;
    }

    private static boolean needsQuotaStore(GatewayConfig config) {
        return config.redis() != null && config.routes().stream().flatMap(route -> route.quotas().stream())
                .anyMatch(q -> q.onStoreFailure() == QuotaRule.StoreFailure.FAIL_CLOSED);
    }
}
