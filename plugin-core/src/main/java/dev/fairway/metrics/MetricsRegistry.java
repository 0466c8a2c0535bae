package dev.fairway.metrics;

import static java.util.Objects.requireNonNull;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;
import java.util.regex.Pattern;

/**
 * The process's Prometheus metrics, kept by the official Prometheus Java client: the request
 * metrics the analytics stage records, the GenAI client metrics, plus whatever other components
 * publish (the log exporter's backlog, the quota store's failures) and, once asked, the JVM's and
 * the process's. Components publish a value they already keep, read when {@code /metrics} is
 * scraped, so publishing costs nothing on the request path.
 *
 * <pre>{@code
 * registry.counter("fairway_quota_store_failures_total", "Failed quota store operations.", quota::storeFailures);
 * }</pre>
 */
public final class MetricsRegistry {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final PrometheusTextFormatWriter TEXT = PrometheusTextFormatWriter.create();

    private final RequestMetrics requests;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Set<String> published = ConcurrentHashMap.newKeySet();
    private volatile boolean jvm;

    public MetricsRegistry(RequestMetrics requests) {
        this.requests = requireNonNull(requests, "requests");
        requests.registerIn(registry);
    }

    public RequestMetrics requests() {
        return requests;
    }

    /** Publishes a value that may go up and down (a backlog, a flag as 0/1). */
    public void gauge(String name, String help, DoubleSupplier value) {
        requireNonNull(help, "help");
        requireNonNull(value, "value");
        claim(name);
        registry.register(GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(read(value))).build());
    }

    /** Publishes a value that only grows while the process runs; by convention its name ends in {@code _total}. */
    public void counter(String name, String help, DoubleSupplier value) {
        if (!name.endsWith("_total")) {
            throw new IllegalArgumentException("name: " + name + " (expected: a counter name ending in _total)");
        }
        requireNonNull(help, "help");
        requireNonNull(value, "value");
        claim(name);
        registry.register(CounterWithCallback.builder().name(name).help(help).callback(cb -> cb.call(read(value))).build());
    }

    /** Publishes a counter with labels that its component keeps and counts itself. */
    public void counter(LabelledCounter counter) {
        claim(counter.name());
        registry.register(counter.counter());
    }

    /**
     * Adds the JVM's metrics (memory, GC, threads, classes, buffer pools: {@code jvm_*}) and the
     * process's ({@code process_*}: CPU, open files, resident memory), once; the gateway's admin
     * listener asks for them.
     */
    public synchronized void registerJvmMetrics() {
        if (!jvm) {
            JvmMetrics.builder().register(registry);
            jvm = true;
        }
    }

    /** A failing publisher must not take the whole scrape down with it: its value shows as NaN. */
    private static double read(DoubleSupplier value) {
        try {
            return value.getAsDouble();
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    private void claim(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name: " + name + " (expected: [a-zA-Z_:][a-zA-Z0-9_:]*)");
        }
        if (name.startsWith("fairway_requests") || requests.allNames().contains(name)) {
            throw new IllegalArgumentException("name: " + name + " is a request metric");
        }
        if (!published.add(name)) {
            throw new IllegalArgumentException("name: " + name + " is already published");
        }
    }

    /** The whole exposition in the Prometheus text format, metric families by name. */
    public String scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            TEXT.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException("metrics exposition failed", e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    public static String contentType() {
        return TEXT.getContentType();
    }
}
