package dev.fairway.metrics;

import static java.util.Objects.requireNonNull;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.util.ArrayList;
import java.util.List;

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
    private final List<String> labels;
    private final List<LabelCap> caps;
    private final Counter counter;

    public LabelledCounter(String name, String help, String... labels) {
        this.name = requireNonNull(name, "name");
        requireNonNull(help, "help");
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
        this.counter = Counter.builder().name(name).help(help).labelNames(labels).withoutExemplars().build();
    }

    /** Counts one event; {@code values} are the labels' values in the order the labels were named. */
    public void increment(String... values) {
        if (values.length != labels.size()) {
            throw new IllegalArgumentException("values: " + values.length + " (expected: " + labels.size() + ", one per label)");
        }
        String[] capped = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            capped[i] = caps.get(i).apply(values[i]);
        }
        counter.labelValues(capped).inc();
    }

    /** The count of one label tuple; 0 when it never happened. */
    public long count(String... values) {
        for (CounterSnapshot.CounterDataPointSnapshot p : counter.collect().getDataPoints()) {
            boolean match = p.getLabels().size() == values.length;
            for (int i = 0; match && i < values.length; i++) {
                match = values[i].equals(p.getLabels().get(labels.get(i)));
            }
            if (match) {
                return (long) p.getValue();
            }
        }
        return 0;
    }

    public String name() {
        return name;
    }

    Counter counter() {
        return counter;
    }
}
