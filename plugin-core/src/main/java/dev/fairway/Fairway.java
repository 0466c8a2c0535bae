package dev.fairway;

import static java.util.Objects.requireNonNull;

import dev.fairway.admin.AdminServer;
import dev.fairway.analytics.AnalyticsStage;
import dev.fairway.config.GatewayConfig;
import dev.fairway.config.ServerSettings;
import dev.fairway.cost.PriceTable;
import dev.fairway.dispatch.Dispatcher;
import dev.fairway.dispatch.RetryScheduler;
import dev.fairway.log.LogStage;
import dev.fairway.metrics.MetricsRegistry;
import dev.fairway.pipeline.Gateway;
import dev.fairway.pipeline.Stage;
import dev.fairway.provider.ProviderRegistry;
import dev.fairway.quota.QuotaStage;
import dev.fairway.retry.CircuitBreakers;
import dev.fairway.server.GatewayServer;
import dev.fairway.usage.UsageMetering;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A running Fairway process: the core, its dispatcher and listeners. The one entry point hosts and
 * the command line use; everything else is reached through it.
 *
 * <pre>{@code
 * try (Fairway fw = Fairway.builder(config).standalone(true).start()) {
 *     fw.gateway().decide(request);
 * }
 * }</pre>
 */
public final class Fairway implements AutoCloseable {
    private final Vertx vertx;
    private final Gateway gateway;
    private final Dispatcher dispatcher;
    private final GatewayServer standalone;
    private final GatewayServer loopback;
    private final AdminServer admin;

    private Fairway(Vertx vertx, Gateway gateway, Dispatcher dispatcher, GatewayServer standalone, GatewayServer loopback,
                    AdminServer admin) {
        this.vertx = vertx;
        this.gateway = gateway;
        this.dispatcher = dispatcher;
        this.standalone = standalone;
        this.loopback = loopback;
        this.admin = admin;
    }

    public static Builder builder(GatewayConfig config) {
        return new Builder(config);
    }

    public Gateway gateway() {
        return gateway;
    }

    public Dispatcher dispatcher() {
        return dispatcher;
    }

    public GatewayConfig config() {
        return gateway.config();
    }

    /** Port of the standalone gateway, or -1 when it was not started. */
    public int port() {
        return standalone == null ? -1 : standalone.port();
    }

    /** Request-body bytes the standalone gateway holds now (its {@code server.max_inflight_body_bytes} in use), or 0. */
    public long bodyBytesInFlight() {
        return standalone == null ? 0 : standalone.bodyBytesInFlight();
    }

    /** Port of the loopback dispatcher endpoint host adapters forward to, or -1. */
    public int dispatcherPort() {
        return loopback == null ? -1 : loopback.port();
    }

    /** Port of the admin listener (metrics, analytics, dashboard), or -1 when it is off. */
    public int adminPort() {
        return admin == null ? -1 : admin.port();
    }

    public Vertx vertx() {
        return vertx;
    }

    /**
     * Adds what the host gateway learned after the answer (Kong's log phase) to the request log,
     * joined to the request's record by its {@code cf-aig-log-id}. Does nothing when logging is off.
     */
    public void noteForLog(String logId, String host, Map<String, Object> fields) {
        for (Stage s : gateway.stages()) {
            if (s instanceof LogStage logs) {
                logs.note(logId, host, fields);
            }
        }
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close();
        }
        if (standalone != null) {
            standalone.close();
        }
        if (loopback != null) {
            loopback.close();
        }
        dispatcher.close();
        for (Stage s : gateway.stages()) {
            if (s instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    org.slf4j.LoggerFactory.getLogger(Fairway.class).warn("closing stage {} failed: {}", s.name(), e.toString());
                }
            }
        }
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    public static final class Builder {
        private final GatewayConfig config;
        private boolean standalone;
        private boolean dispatcherEndpoint;
        private final List<Stage> extraStages = new ArrayList<>();
        private Boolean admin;
        private Integer adminPort;
        private RetryScheduler retryScheduler;

        private Builder(GatewayConfig config) {
            this.config = requireNonNull(config, "config");
        }

        /**
         * Serve the gateway's own HTTP listener (server.host:server.port). Unless {@link #admin}
         * says otherwise, the standalone gateway also serves the admin listener.
         */
        public Builder standalone(boolean on) {
            this.standalone = on;
            return this;
        }

        /** Serve the loopback dispatcher endpoint host adapters forward to. */
        public Builder dispatcherEndpoint(boolean on) {
            this.dispatcherEndpoint = on;
            return this;
        }

        /**
         * Serve the admin listener (metrics, analytics, dashboard) on server.admin_host:server.admin_port,
         * unless that port is 0. On by default with {@link #standalone}; host adapters turn it on here.
         */
        public Builder admin(boolean on) {
            this.admin = on;
            return this;
        }

        /**
         * Serves the admin listener on {@code port} instead of {@code server.admin_port}; 0 picks a
         * free port (tests), where in the configuration 0 turns the listener off.
         */
        public Builder adminPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
            }
            this.adminPort = port;
            this.admin = true;
            return this;
        }

        /** Decides when retries run; the event loop's timers by default. Tests record the waits instead of sleeping. */
        public Builder retryScheduler(RetryScheduler scheduler) {
            this.retryScheduler = requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** Adds a stage after the standard ones (tests, embedding). */
        public Builder stage(Stage stage) {
            extraStages.add(requireNonNull(stage, "stage"));
            return this;
        }

        public Fairway start() {
            Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
            try {
                ProviderRegistry registry = ProviderRegistry.withCustom(config.customProviders());
                List<Stage> stages = new ArrayList<>(Stages.standard(config));
                stages.addAll(extraStages);
                Gateway gateway = new Gateway(config, registry, stages);
                Dispatcher dispatcher = new Dispatcher(vertx, config.dispatch(),
                        new UsageMetering(PriceTable.of(config.pricing())), retryScheduler, CircuitBreakers.systemClock());
                GatewayServer front = standalone
                        ? join(GatewayServer.start(vertx, gateway, dispatcher, GatewayServer.Mode.STANDALONE,
                                config.server().host(), config.server().port()).toCompletionStage().toCompletableFuture())
                        : null;
                GatewayServer back = dispatcherEndpoint
                        ? join(GatewayServer.start(vertx, gateway, dispatcher, GatewayServer.Mode.DISPATCHER,
                                "127.0.0.1", config.dispatch().loopbackPort()).toCompletionStage().toCompletableFuture())
                        : null;
                AdminServer admin = startAdmin(vertx, stages);
                return new Fairway(vertx, gateway, dispatcher, front, back, admin);
            } catch (RuntimeException e) {
                vertx.close();
                throw e;
            }
        }

        private AdminServer startAdmin(Vertx vertx, List<Stage> stages) {
            ServerSettings server = config.server();
            boolean on = admin != null ? admin : standalone;
            int port = adminPort != null ? adminPort : server.adminPort();
            if (!on || (adminPort == null && port == 0)) {
                return null;
            }
            AnalyticsStage analytics = null;
            for (Stage s : stages) {
                if (s instanceof AnalyticsStage a) {
                    analytics = a;
                }
            }
            if (analytics == null) {
                return null;
            }
            publishStageMetrics(analytics.metrics(), stages);
            return join(AdminServer.start(vertx, analytics, server.adminHost(), port, server.adminToken())
                    .toCompletionStage().toCompletableFuture());
        }

        /** Stages that keep their own health figures publish them next to the request metrics. */
        private static void publishStageMetrics(MetricsRegistry registry, List<Stage> stages) {
            for (Stage s : stages) {
                if (s instanceof QuotaStage quota) {
                    registry.counter("fairway_quota_store_failures_total", "Quota store operations that failed (timeouts, refused connections).",
                            quota::storeFailures);
                    registry.gauge("fairway_quota_store_available", "1 when the last quota store operation succeeded, else 0.",
                            () -> quota.storeAvailable() ? 1 : 0);
                }
                if (s instanceof LogStage logs) {
                    registry.counter("fairway_log_records_written_total", "Log records appended to the spool.", () -> logs.stats().written());
                    registry.counter("fairway_log_records_dropped_total", "Log records dropped (queue full).", () -> logs.stats().dropped());
                    registry.counter("fairway_log_records_failed_total", "Log records that could not be written.", () -> logs.stats().failed());
                    registry.gauge("fairway_log_queue", "Log records waiting to be written to the spool.", () -> logs.stats().queued());
                    registry.counter("fairway_log_exported_objects_total", "Objects exported to object storage.", () -> logs.stats().exportedObjects());
                    registry.counter("fairway_log_export_failures_total", "Failed export attempts.", () -> logs.stats().exportFailures());
                    registry.gauge("fairway_log_export_backlog_segments", "Spool segments not yet exported.", () -> logs.stats().exportBacklogSegments());
                }
            }
        }

        private static <T> T join(CompletableFuture<T> f) {
            try {
                return f.join();
            } catch (java.util.concurrent.CompletionException e) {
                throw new IllegalStateException("cannot start listener: " + e.getCause().getMessage(), e.getCause());
            }
        }
    }
}
