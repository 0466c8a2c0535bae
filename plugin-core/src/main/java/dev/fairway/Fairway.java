package dev.fairway;

import static java.util.Objects.requireNonNull;

import dev.fairway.admin.AdminServer;
import dev.fairway.balance.Balancing;
import dev.fairway.admin.Readiness;
import dev.fairway.analytics.AnalyticsStage;
import dev.fairway.config.GatewayConfig;
import dev.fairway.config.ServerSettings;
import dev.fairway.dispatch.Dispatcher;
import dev.fairway.dispatch.RetryScheduler;
import dev.fairway.flow.FlowAdmin;
import dev.fairway.flow.FlowRegistry;
import dev.fairway.log.LogStage;
import dev.fairway.cache.CacheStage;
import dev.fairway.metrics.MetricsRegistry;
import dev.fairway.pipeline.Gateway;
import dev.fairway.pipeline.Stage;
import dev.fairway.provider.ProviderRegistry;
import dev.fairway.quota.QuotaStage;
import dev.fairway.retry.CircuitBreakers;
import dev.fairway.server.GatewayServer;
import dev.fairway.server.LateBind;
import dev.fairway.usage.UsageMetering;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import dev.fairway.lifecycle.Signals;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    private final CompletableFuture<GatewayServer> loopback;
    private final CompletableFuture<AdminServer> admin;
    private final List<AutoCloseable> closeAfter;
    private final AtomicBoolean stopping;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);

    private Fairway(Vertx vertx, Gateway gateway, Dispatcher dispatcher, GatewayServer standalone,
                    CompletableFuture<GatewayServer> loopback, CompletableFuture<AdminServer> admin, List<AutoCloseable> closeAfter,
                    AtomicBoolean stopping) {
        this.stopping = stopping;
        this.vertx = vertx;
        this.gateway = gateway;
        this.dispatcher = dispatcher;
        this.standalone = standalone;
        this.loopback = loopback;
        this.admin = admin;
        this.closeAfter = closeAfter;
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

    /** Port of the loopback dispatcher endpoint host adapters forward to, or -1 (not started, or not bound yet). */
    public int dispatcherPort() {
        GatewayServer s = bound(loopback);
        return s == null ? -1 : s.port();
    }

    /**
     * Completes once the dispatcher endpoint listens; at once unless {@link Builder#handOver} let it
     * wait for a port the process being replaced still holds. Null when there is no such endpoint.
     */
    public CompletableFuture<Integer> dispatcherReady() {
        return loopback == null ? null : loopback.thenApply(GatewayServer::port);
    }

    /**
     * Stops listening on the dispatcher port so that the process replacing this one can bind it;
     * requests already accepted, streams included, run on for up to {@code drain}. The host calls it
     * once it hands out no more tickets and the ones it handed out are redeemed.
     */
    public CompletableFuture<Void> releaseDispatcherPort(Duration drain) {
        GatewayServer s = bound(loopback);
        return s == null ? CompletableFuture.completedFuture(null) : s.shutdown(drain).toCompletionStage().toCompletableFuture();
    }

    /** Port of the admin listener (metrics, analytics, dashboard), or -1 when it is off (or not bound yet). */
    public int adminPort() {
        AdminServer s = bound(admin);
        return s == null ? -1 : s.port();
    }

    private static <T> T bound(CompletableFuture<T> listener) {
        return listener != null && listener.isDone() && !listener.isCompletedExceptionally() ? listener.join() : null;
    }

    public Vertx vertx() {
        return vertx;
    }

    /**
     * A copy of the decision path with state of its own, for warming it up before a host opens its
     * port (see {@link Rehearsal}); the caller closes it.
     */
    public Rehearsal rehearsal() {
        return Rehearsal.of(gateway.config(), vertx);
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

    /**
     * Applies a new configuration to requests decided from now on: routes, provider settings and
     * keys, custom providers. Requests in flight keep what they were decided with. Listeners,
     * dispatch, Redis, logs, cache storage and pricing are bound when the process starts; where
     * {@code next} changes them, the running values stay and the sections are returned (and logged)
     * as needing a restart.
     *
     * @throws dev.fairway.config.ConfigException when a route does not fit the providers; the
     *     running configuration stays in place
     */
    public List<String> reload(GatewayConfig next) {
        requireNonNull(next, "next");
        GatewayConfig now = gateway.config();
        List<String> restart = new ArrayList<>();
        noteRestart(restart, "server", now.server(), next.server());
        noteRestart(restart, "dispatch", now.dispatch(), next.dispatch());
        noteRestart(restart, "redis", now.redis(), next.redis());
        noteRestart(restart, "logs", now.logs(), next.logs());
        noteRestart(restart, "cache_storage", now.cacheStorage(), next.cacheStorage());
        noteRestart(restart, "pricing", now.pricing(), next.pricing());
        noteRestart(restart, "tracing", now.tracing(), next.tracing());
        GatewayConfig effective = new GatewayConfig(now.server(), now.dispatch(), next.providers(), next.customProviders(),
                next.routes(), now.redis(), now.pricing(), now.logs(), now.cacheStorage(), now.tracing(), next.flows(),
                next.prompts());
        // Checks the routes against the providers (policy slugs included) and keeps the running ones when that fails.
        gateway.reload(effective);
        Logger log = LoggerFactory.getLogger(Fairway.class);
        log.info("configuration reloaded: {} route(s) serve new requests", effective.routes().size());
        if (!restart.isEmpty()) {
            log.warn("configuration reloaded, but {} take(s) effect only at the next restart", String.join(", ", restart));
        }
        return List.copyOf(restart);
    }

    private static void noteRestart(List<String> restart, String section, Object now, Object next) {
        if (!java.util.Objects.equals(now, next)) {
            restart.add(section);
        }
    }

    /**
     * Stops the process gracefully; safe to call from several threads (later callers wait for the
     * first). In order: {@code stopIntake} runs (a host adapter stops taking new events); the
     * standalone listener stops accepting connections while open ones finish their current request;
     * exchanges already open, streams through the dispatcher included, run to their end for up to
     * {@code server.drain_seconds} (the dispatcher endpoint stays open meanwhile, since a host
     * forwards a decided request to it on a new connection); then the log spool is flushed and
     * everything closes.
     *
     * @return true when every open exchange finished within the drain time
     */
    public boolean shutdownGracefully(Runnable stopIntake) {
        requireNonNull(stopIntake, "stopIntake");
        if (!stopping.compareAndSet(false, true)) {
            awaitStopped();
            return gateway.inFlight().count() == 0;
        }
        Logger log = LoggerFactory.getLogger(Fairway.class);
        Duration drain = Duration.ofSeconds(gateway.config().server().drainSeconds());
        long deadline = System.nanoTime() + drain.toNanos();
        boolean drained = false;
        try {
            log.info("stopping: draining {} open request(s) for up to {} s", gateway.inFlight().count(), drain.toSeconds());
            try {
                stopIntake.run();
            } catch (RuntimeException e) {
                log.warn("stopping the host's intake failed: {}", e.toString());
            }
            CompletableFuture<Void> front = standalone == null ? CompletableFuture.completedFuture(null)
                    : standalone.shutdown(drain).toCompletionStage().toCompletableFuture();
            drained = gateway.inFlight().awaitIdle(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            front.get(Math.max(0, deadline - System.nanoTime()) + Duration.ofSeconds(1).toNanos(), TimeUnit.NANOSECONDS);
            if (drained) {
                log.info("stopping: every open request finished");
            } else {
                log.warn("stopping: {} request(s) still open after {} s are cut", gateway.inFlight().count(), drain.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("stopping: the gateway listener did not shut down cleanly: {}", e.toString());
        } finally {
            close();
            stopped.countDown();
        }
        return drained;
    }

    /**
     * Makes SIGTERM and SIGINT stop this process gracefully ({@link #shutdownGracefully}) and exit
     * 0, and runs the same drain from a JVM shutdown hook for any other orderly exit.
     */
    public Fairway drainOnTermination(Runnable stopIntake) {
        requireNonNull(stopIntake, "stopIntake");
        Runnable stopAndExit = () -> {
            shutdownGracefully(stopIntake);
            System.exit(0);
        };
        Signals.on("TERM", stopAndExit);
        Signals.on("INT", stopAndExit);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdownGracefully(stopIntake), "fairway-shutdown"));
        return this;
    }

    private void awaitStopped() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Closes at once, cutting whatever is open; {@link #shutdownGracefully} drains first. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeListener(admin, AdminServer::close);
        if (standalone != null) {
            standalone.close();
        }
        closeListener(loopback, GatewayServer::close);
        dispatcher.close();
        closeStages(gateway.stages());
        vertx.close().toCompletionStage().toCompletableFuture().join();
        for (int i = closeAfter.size() - 1; i >= 0; i--) {
            try {
                closeAfter.get(i).close();
            } catch (Exception e) {
                LoggerFactory.getLogger(Fairway.class).warn("closing {} failed: {}", closeAfter.get(i), e.toString());
            }
        }
    }

    private static void closeStages(List<Stage> stages) {
        for (Stage s : stages) {
            if (s instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    LoggerFactory.getLogger(Fairway.class).warn("closing stage {} failed: {}", s.name(), e.toString());
                }
            }
        }
    }

    /** Closes a listener now, or as soon as a late bind completes (it then closes at once). */
    private static <T> void closeListener(CompletableFuture<T> listener, java.util.function.Consumer<T> close) {
        if (listener == null) {
            return;
        }
        if (listener.isDone()) {
            T s = bound(listener);
            if (s != null) {
                close.accept(s);
            }
        } else {
            listener.thenAccept(close);
        }
    }

    public static final class Builder {
        private final GatewayConfig config;
        private boolean standalone;
        private boolean dispatcherEndpoint;
        private final List<Stage> extraStages = new ArrayList<>();
        private Boolean admin;
        private Integer adminPort;
        private RetryScheduler retryScheduler;
        private boolean handOver;
        private final List<AutoCloseable> closeAfter = new ArrayList<>();

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

        /**
         * This process may start while the one it replaces still drains (an APISIX reload starts the
         * new runner beside the old): instead of refusing the log spool that one holds, it takes the
         * spool over once the old one exits, waiting up to {@code server.drain_seconds} + 10 s, with
         * records queued meanwhile. Off by default: two live processes on one spool are a mistake.
         */
        public Builder handOver(boolean on) {
            this.handOver = on;
            return this;
        }

        /** Decides when retries run; the event loop's timers by default. Tests record the waits instead of sleeping. */
        public Builder retryScheduler(RetryScheduler scheduler) {
            this.retryScheduler = requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * Closes {@code resource} after the process has stopped (and drained): something the
         * gateway's answers depend on until the end, such as the demo's mock provider.
         */
        public Builder closeAfter(AutoCloseable resource) {
            closeAfter.add(requireNonNull(resource, "resource"));
            return this;
        }

        /** Adds a stage after the standard ones (tests, embedding). */
        public Builder stage(Stage stage) {
            extraStages.add(requireNonNull(stage, "stage"));
            return this;
        }

        public Fairway start() {
            StateDirs.check(config);
            Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
            List<Stage> stages = new ArrayList<>();
            try {
                ProviderRegistry registry = ProviderRegistry.withCustom(config.customProviders());
                Duration spoolLockWait = handOver ? Duration.ofSeconds(config.server().drainSeconds() + 10L) : Duration.ZERO;
                stages.addAll(Stages.standard(config, spoolLockWait));
                stages.addAll(extraStages);
                // Admin-created flow versions are kept beside the log spool, as the prompts are (balance.Balancing).
                FlowRegistry flows = FlowRegistry.forStages(stages).persistIn(dev.fairway.plan.StateFile.beside(config.logs().spoolDir(), "flows"));
                Gateway gateway = Balancing.gateway(config, registry, stages, flows);
                Dispatcher dispatcher = new Dispatcher(vertx, config.dispatch(), retryScheduler, CircuitBreakers.systemClock());
                GatewayServer front = standalone
                        ? join(GatewayServer.start(vertx, gateway, dispatcher, GatewayServer.Mode.STANDALONE,
                                config.server().host(), config.server().port()).toCompletionStage().toCompletableFuture(),
                                config.server().host(), config.server().port(), "server.port (or --port)")
                        : null;
                // A successor (handOver) waits for ports its predecessor holds while draining, instead of failing.
                Duration portWait = handOver ? Duration.ofSeconds(config.server().drainSeconds() + 10L) : Duration.ZERO;
                CompletableFuture<GatewayServer> back = dispatcherEndpoint
                        ? lateOrNow(LateBind.bind("dispatcher endpoint", () -> GatewayServer.start(vertx, gateway, dispatcher,
                                GatewayServer.Mode.DISPATCHER, "127.0.0.1", config.dispatch().loopbackPort())
                                .toCompletionStage().toCompletableFuture(), portWait), "127.0.0.1", config.dispatch().loopbackPort(),
                                "dispatch.loopback_port")
                        : null;
                AtomicBoolean stopping = new AtomicBoolean();
                CompletableFuture<AdminServer> admin = startAdmin(vertx, stages, portWait, ReadinessChecks.of(gateway, stages, stopping),
                        Balancing.promptAdmin(gateway));
                if (admin != null) {
                    admin.thenAccept(a -> a.serveFlows(new FlowAdmin(flows)));
                }
                return new Fairway(vertx, gateway, dispatcher, front, back, admin, List.copyOf(closeAfter), stopping);
            } catch (RuntimeException e) {
                // The stages opened hold the spool's lock, the log store and the cache files: a start
                // that failed (a port in use) releases them, so the same process can start again.
                closeStages(stages);
                vertx.close();
                throw e;
            }
        }

        /** Fails the start at once when the listener failed at once; a late bind goes on in the background. */
        private static <T> CompletableFuture<T> lateOrNow(CompletableFuture<T> listener, String host, int port, String setting) {
            if (listener.isDone()) {
                join(listener, host, port, setting);
            }
            return listener;
        }

        private CompletableFuture<AdminServer> startAdmin(Vertx vertx, List<Stage> stages, Duration portWait, Readiness readiness,
                                                         dev.fairway.prompt.PromptAdmin prompts) {
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
            analytics.metrics().registerJvmMetrics();
            publishStageMetrics(analytics.metrics(), stages);
            AnalyticsStage a = analytics;
            dev.fairway.logstore.LogStoreStage logStore = stages.stream().filter(dev.fairway.logstore.LogStoreStage.class::isInstance)
                    .map(dev.fairway.logstore.LogStoreStage.class::cast).findFirst().orElse(null);
            return lateOrNow(LateBind.bind("admin listener", () -> AdminServer.start(vertx, a, server.adminHost(), port,
                    server.adminToken(), readiness, prompts, logStore).toCompletionStage().toCompletableFuture(), portWait),
                    server.adminHost(), port, "server.admin_port");
        }

        /** Stages that keep their own health figures publish them next to the request metrics. */
        private static void publishStageMetrics(MetricsRegistry registry, List<Stage> stages) {
            for (Stage s : stages) {
                if (s instanceof CacheStage cache) {
                    registry.counter("fairway_cache_shared_failures_total", "Shared cache (Redis) operations that failed; each answered as a miss.",
                            cache::sharedFailures);
                    registry.gauge("fairway_cache_shared_available", "1 when the last shared cache operation succeeded (or there is no shared tier), else 0.",
                            () -> cache.sharedAvailable() ? 1 : 0);
                    registry.counter("fairway_cache_shared_lease_waits_total", "Requests that waited for an identical request another"
                            + " gateway process was answering (its lease in Redis).", cache::sharedLeaseWaits);
                }
                if (s instanceof QuotaStage quota) {
                    registry.counter("fairway_quota_store_failures_total", "Quota store operations that failed (timeouts, refused connections).",
                            quota::storeFailures);
                    registry.gauge("fairway_quota_store_available", "1 when the last quota store operation succeeded, else 0.",
                            () -> quota.storeAvailable() ? 1 : 0);
                }
                if (s instanceof dev.fairway.cache.CacheStage cache) {
                    registry.counter("fairway_cache_semantic_hits_total", "Requests answered from the cache through a semantic match.",
                            cache::semanticHits);
                }
                if (s instanceof UsageMetering metering) {
                    registry.counter(metering.unreadable());
                }
                if (s instanceof LogStage logs) {
                    registry.counter("fairway_log_records_written_total", "Log records appended to the spool.", () -> logs.stats().written());
                    registry.counter("fairway_log_records_dropped_total", "Log records dropped (queue full: logs.queue_capacity or logs.queue_max_bytes).", () -> logs.stats().dropped());
                    registry.counter("fairway_log_records_failed_total", "Log records that could not be written.", () -> logs.stats().failed());
                    registry.gauge("fairway_log_queue", "Log records waiting to be written to the spool.", () -> logs.stats().queued());
                    registry.gauge("fairway_log_queue_bytes", "Bytes held by the log records waiting to be written (logs.queue_max_bytes bounds them).",
                            () -> logs.stats().queuedBytes());
                    registry.counter("fairway_log_exported_objects_total", "Objects exported to object storage.", () -> logs.stats().exportedObjects());
                    registry.counter("fairway_log_export_failures_total", "Failed export attempts.", () -> logs.stats().exportFailures());
                    registry.gauge("fairway_log_export_backlog_segments", "Spool segments not yet exported.", () -> logs.stats().exportBacklogSegments());
                }
            }
        }

        /** Waits for a listener; a failure names the address and the setting that moves it, in one line. */
        private static <T> T join(CompletableFuture<T> f, String host, int port, String setting) {
            try {
                return f.join();
            } catch (java.util.concurrent.CompletionException e) {
                Throwable cause = e.getCause();
                String hint = cause instanceof java.net.BindException || String.valueOf(cause.getMessage()).contains("in use")
                        ? " (another process, perhaps another Fairway, uses it: change " + setting + ")" : "";
                throw new IllegalStateException("cannot listen on " + host + ":" + port + ": " + cause.getMessage() + hint, cause);
            }
        }
    }
}
