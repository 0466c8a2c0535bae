package dev.fairway.balance;

import dev.fairway.config.GatewayConfig;
import dev.fairway.pipeline.Gateway;
import dev.fairway.plan.Flows;
import dev.fairway.plan.StateFile;
import dev.fairway.pipeline.Stage;
import dev.fairway.prompt.PromptAdmin;
import dev.fairway.prompt.PromptRepository;
import dev.fairway.prompt.Shaper;
import dev.fairway.provider.ProviderRegistry;
import dev.fairway.quota.QuotaBackend;
import dev.fairway.quota.QuotaStage;
import io.github.bucket4j.TimeMeter;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Composes the gateway with the routes' pools and the prompt repository: one call for the composition root. */
public final class Balancing {
    private Balancing() {}

    /** The admin API of {@code gateway}'s prompt repository, or null when it has none. */
    public static PromptAdmin promptAdmin(Gateway gateway) {
        return gateway.shaper() instanceof Shaper s ? new PromptAdmin(s.repository()) : null;
    }

    /**
     * A gateway whose pools keep members' rate limits in the quota stage's store (memory when there
     * is no quota stage), and whose prompt repository is kept beside the log spool
     * ({@code <logs.spool_dir>.prompts.json}), so versions added with the admin API survive a restart.
     */
    public static Gateway gateway(GatewayConfig config, ProviderRegistry registry, List<Stage> stages, Flows flows) {
        QuotaBackend limits = null;
        for (Stage s : stages) {
            if (s instanceof QuotaStage q) {
                limits = q.backend();
            }
        }
        if (limits == null) {
            limits = QuotaBackend.inMemory(TimeMeter.SYSTEM_MILLISECONDS);
        }
        Pools pools = new Pools(limits, () -> ThreadLocalRandom.current().nextDouble(), System::nanoTime);
        Shaper shaper = new Shaper(new PromptRepository(config.prompts(), StateFile.beside(config.logs().spoolDir(), "prompts")), () -> ThreadLocalRandom.current().nextDouble());
        return new Gateway(config, registry, stages, flows, pools, shaper);
    }
}
