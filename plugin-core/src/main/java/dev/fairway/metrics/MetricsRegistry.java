package dev.fairway.metrics;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.DoubleSupplier;
import java.util.regex.Pattern;

/**
 * The process's Prometheus metrics: the request metrics the analytics stage records, plus whatever
 * other components publish (the log exporter's backlog, the quota store's failures). Components
 * publish a value they already keep, read when {@code /metrics} is scraped, so publishing costs
 * nothing on the request path.
 *
 * <pre>{@code
 * registry.counter("fairway_quota_store_failures_total", "Failed quota store operations.", quota::storeFailures);
 * }</pre>
 */
public final class MetricsRegistry {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    private final RequestMetrics requests;
    private final Map<String, Published> published = new ConcurrentSkipListMap<>();
    private final Map<String, LabelledCounter> labelled = new ConcurrentSkipListMap<>();

    public MetricsRegistry(RequestMetrics requests) {
        this.requests = requireNonNull(requests, "requests");
    }

    public RequestMetrics requests() {
        return requests;
    }

    /** Publishes a value that may go up and down (a backlog, a flag as 0/1). */
    public void gauge(String name, String help, DoubleSupplier value) {
        publish(new Published(name, "gauge", help, value));
    }

    /** Publishes a value that only grows while the process runs; by convention its name ends in {@code _total}. */
    public void counter(String name, String help, DoubleSupplier value) {
        if (!name.endsWith("_total")) {
            throw new IllegalArgumentException("name: " + name + " (expected: a counter name ending in _total)");
        }
        publish(new Published(name, "counter", help, value));
    }

    /** Publishes a counter with labels that its component keeps and counts itself. */
    public void counter(LabelledCounter counter) {
        check(counter.name());
        if (published.containsKey(counter.name()) || labelled.putIfAbsent(counter.name(), counter) != null) {
            throw new IllegalArgumentException("name: " + counter.name() + " is already published");
        }
    }

    private void publish(Published p) {
        check(p.name);
        if (labelled.containsKey(p.name) || published.putIfAbsent(p.name, p) != null) {
            throw new IllegalArgumentException("name: " + p.name + " is already published");
        }
    }

    private void check(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name: " + name + " (expected: [a-zA-Z_:][a-zA-Z0-9_:]*)");
        }
        if (name.startsWith("fairway_requests") || requests.names().contains(name)) {
            throw new IllegalArgumentException("name: " + name + " is a request metric");
        }
    }

    /** The whole exposition, request metrics first, then published values by name, then labelled counters by name. */
    public String scrape() {
        PrometheusText text = new PrometheusText();
        requests.writeTo(text);
        for (Published p : new ArrayList<>(published.values())) {
            double v;
            try {
                v = p.value.getAsDouble();
            } catch (RuntimeException e) {
                // A failing publisher must not take the whole scrape down with it.
                v = Double.NaN;
            }
            text.header(p.name, p.type, p.help);
            text.sample(p.name, List.of(), v);
        }
        for (LabelledCounter c : new ArrayList<>(labelled.values())) {
            c.writeTo(text);
        }
        return text.toString();
    }

    public static String contentType() {
        return PrometheusText.CONTENT_TYPE;
    }

    private record Published(String name, String type, String help, DoubleSupplier value) {
        Published {
            requireNonNull(name, "name");
            requireNonNull(help, "help");
            requireNonNull(value, "value");
        }
    }
}
