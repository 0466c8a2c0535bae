package dev.fairway.metrics;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A counter with labels that a component keeps itself and {@linkplain MetricsRegistry#counter(LabelledCounter)
 * publishes}: one series per label tuple. Each label's values are bounded by a {@link LabelCap}, so
 * the series stay few even when a value comes from outside (a provider slug, a route name).
 *
 * <pre>{@code
 * LabelledCounter unreadable = new LabelledCounter("fairway_usage_unreadable_total", "...", "route", "provider");
 * unreadable.increment("chat", "openai");
 * }</pre>
 */
public final class LabelledCounter {
    /** Distinct values kept per label; route names and provider slugs come from the configuration. */
    private static final int MAX_VALUES = 200;

    private final String name;
    private final String help;
    private final List<String> labels;
    private final List<LabelCap> caps;
    private final Map<List<String>, LongAdder> series = new ConcurrentHashMap<>();

    public LabelledCounter(String name, String help, String... labels) {
        this.name = requireNonNull(name, "name");
        this.help = requireNonNull(help, "help");
        if (!name.endsWith("_total")) {
            throw new IllegalArgumentException("name: " + name + " (expected: a counter name ending in _total)");
        }
        if (labels.length == 0) {
            throw new IllegalArgumentException("labels: none (expected: at least one label name)");
        }
        this.labels = List.of(labels);
        List<LabelCap> c = new ArrayList<>(labels.length);
        for (int i = 0; i < labels.length; i++) {
            c.add(new LabelCap(MAX_VALUES));
        }
        this.caps = List.copyOf(c);
    }

    /** Counts one event; {@code values} are the labels' values in the order the labels were named. */
    public void increment(String... values) {
        if (values.length != labels.size()) {
            throw new IllegalArgumentException("values: " + values.length + " (expected: " + labels.size() + ", one per label)");
        }
        List<String> key = new ArrayList<>(values.length);
        for (int i = 0; i < values.length; i++) {
            key.add(caps.get(i).apply(values[i]));
        }
        series.computeIfAbsent(List.copyOf(key), k -> new LongAdder()).increment();
    }

    /** The count of one label tuple; 0 when it never happened. */
    public long count(String... values) {
        LongAdder a = series.get(List.of(values));
        return a == null ? 0 : a.sum();
    }

    public String name() {
        return name;
    }

    void writeTo(PrometheusText text) {
        text.header(name, "counter", help);
        List<List<String>> keys = new ArrayList<>(series.keySet());
        keys.sort(Comparator.comparing(Object::toString));
        for (List<String> key : keys) {
            List<String> named = new ArrayList<>(key.size() * 2);
            for (int i = 0; i < key.size(); i++) {
                named.add(labels.get(i));
                named.add(key.get(i));
            }
            text.sample(name, named, series.get(key).sum());
        }
    }
}
