package dev.fairway;

import static java.util.Objects.requireNonNull;

import dev.fairway.analytics.AnalyticsStage;
import dev.fairway.config.GatewayConfig;
import dev.fairway.cost.PriceTable;
import dev.fairway.dispatch.Dispatcher;
import dev.fairway.guardrail.GuardrailStage;
import dev.fairway.pipeline.Gateway;
import dev.fairway.pipeline.Stage;
import dev.fairway.provider.ProviderRegistry;
import dev.fairway.quota.QuotaBackend;
import dev.fairway.quota.QuotaStage;
import dev.fairway.retry.CircuitBreakers;
import dev.fairway.usage.UsageMetering;
import io.github.bucket4j.TimeMeter;
import java.util.List;

/**
 * A stand-in for a process's decision path, for warming the JIT before a host opens its port: the
 * same configuration, providers, translators and stage kinds in the standard order, but its own
 * state, so that nothing a synthetic request does is seen outside it. Quotas count in a memory of
 * their own (never the process's, nor Redis), analytics are counted apart, the cache is left out
 * (its store is the process's) and nothing is logged; the dispatcher issues its own tickets and is never
 * asked to call upstream.
 *
 * <pre>{@code
 * try (Rehearsal r = fairway.rehearsal()) {
 *     r.gateway().decide(request, route);
 * }
 * }</pre>
 */
public final class Rehearsal implements AutoCloseable {
    private final Gateway gateway;
    private final Dispatcher dispatcher;

    private Rehearsal(Gateway gateway, Dispatcher dispatcher) {
        this.gateway = gateway;
        this.dispatcher = dispatcher;
    }

    static Rehearsal of(GatewayConfig config, io.vertx.core.Vertx vertx) {
        requireNonNull(config, "config");
        ProviderRegistry registry = ProviderRegistry.withCustom(config.customProviders());
        List<Stage> stages = List.of(
                new GuardrailStage(),
                QuotaStage.withBackend(QuotaBackend.inMemory(TimeMeter.SYSTEM_MILLISECONDS)),
                // No cache stage: a second store would take seconds to open (the process's own opens
                // in the background at start), and a rehearsal must not touch the real one.
                new UsageMetering(PriceTable.of(config.pricing())),
                AnalyticsStage.create());
        Gateway gateway = new Gateway(config, registry, stages);
        Dispatcher dispatcher = new Dispatcher(vertx, config.dispatch(), null, CircuitBreakers.systemClock());
        return new Rehearsal(gateway, dispatcher);
    }

    public Gateway gateway() {
        return gateway;
    }

    /** Its own dispatcher: tickets and relay rules (translation); it is never asked to relay. */
    public Dispatcher dispatcher() {
        return dispatcher;
    }

    @Override
    public void close() {
        dispatcher.close();
        for (Stage s : gateway.stages()) {
            if (s instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    org.slf4j.LoggerFactory.getLogger(Rehearsal.class).warn("closing rehearsal stage {} failed: {}", s.name(), e.toString());
                }
            }
        }
    }
}
