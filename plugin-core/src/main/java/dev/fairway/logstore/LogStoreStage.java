package dev.fairway.logstore;

import static java.util.Objects.requireNonNull;

import dev.fairway.config.GatewayConfig;
import dev.fairway.config.LogStoreSettings;
import dev.fairway.config.RetentionSettings;
import dev.fairway.config.RouteConfig;
import dev.fairway.log.LogStage;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.Stage;
import dev.fairway.pipeline.Step;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The log store beside the request path: opens the configured store and feeds it from the spool.
 * A stage only so that it lives and closes with the other stages and sees each route's current
 * retention as requests arrive (a reload changes it); it never takes part in a request.
 */
public final class LogStoreStage implements Stage, AutoCloseable {
    private final LogStore store;
    private final StoreFeeder feeder;
    private final LogStage logs;
    private final String node;
    /** Keyed by configured route names only (an exchange's route comes from configuration). */
    private final Map<String, RetentionSettings> retention = new ConcurrentHashMap<>();

    private LogStoreStage(LogStore store, LogStage logs, String node, LogStoreSettings settings, GatewayConfig config) {
        this.store = store;
        this.logs = logs;
        this.node = node;
        for (RouteConfig r : config.routes()) {
            if (r.logging().retention() != null) {
                retention.put(r.name(), r.logging().retention());
            }
        }
        this.feeder = new StoreFeeder(logs.spoolDir(), store, node, settings.batchSize(), 200,
                new RouteRetention(retention::get, Clock.systemUTC()), settings.feedCpuPercent());
        if (logs.exporter() != null) {
            logs.exporter().keepUnread(feeder::position);
        }
    }

    /** The store fed from {@code logs}' spool, or null when {@code logs.store.kind} is none. */
    public static LogStoreStage start(GatewayConfig config, LogStage logs) {
        requireNonNull(config, "config");
        requireNonNull(logs, "logs");
        LogStoreSettings settings = config.logs().store();
        LogStore store = LogStores.open(settings, logs.spoolDir());
        if (store == null) {
            return null;
        }
        String node = settings.node() != null ? settings.node() : defaultNode(logs);
        return new LogStoreStage(store, logs, node, settings, config);
    }

    private static String defaultNode(LogStage logs) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return host + ":" + logs.spoolDir().toAbsolutePath().normalize();
    }

    /**
     * Waits (at most {@code max}) until what this node has written to the spool so far is in the
     * store, so that the Logs API and analytics show a request the caller just saw answered.
     */
    public void catchUp(java.time.Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        try {
            logs.flush(false).get(max.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            long target = logs.headSeq();
            while (feeder.position() < target && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // Answer with what the store has: the rest shows up on the next query.
        }
    }

    public LogStore store() {
        return store;
    }

    public StoreFeeder feeder() {
        return feeder;
    }

    /** The log stage, whose chain records erasures. */
    public LogStage logs() {
        return logs;
    }

    public String node() {
        return node;
    }

    @Override
    public String name() {
        return "log_store";
    }

    @Override
    public boolean recordsOnly() {
        return true;
    }

    @Override
    public Step open(Exchange exchange) {
        RouteConfig route = exchange.route();
        RetentionSettings r = route.logging().retention();
        if (r == null) {
            retention.remove(route.name());
        } else {
            retention.put(route.name(), r);
        }
        return Step.NONE;
    }

    @Override
    public void close() {
        // The log stage closes first (stages close in order), so what it flushed is fed before we stop.
        feeder.close();
        store.close();
    }
}
