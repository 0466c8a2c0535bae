package dev.fairway.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LabelledCounterTest {
    @Test
    void countsPerLabelTupleAndScrapesSorted() {
        LabelledCounter c = new LabelledCounter("fairway_x_total", "X.", "route", "provider");
        c.increment("b", "openai");
        c.increment("a", "openai");
        c.increment("a", "openai");
        assertThat(c.count("a", "openai")).isEqualTo(2);
        assertThat(c.count("a", "mistral")).isZero();
        MetricsRegistry registry = new MetricsRegistry(new RequestMetrics());
        registry.counter(c);
        assertThat(registry.scrape()).contains("""
                # HELP fairway_x_total X.
                # TYPE fairway_x_total counter
                fairway_x_total{provider="openai",route="a"} 2.0
                fairway_x_total{provider="openai",route="b"} 1.0
                """);
    }

    @Test
    void valuesAreBoundedPerLabel() {
        LabelledCounter c = new LabelledCounter("fairway_x_total", "X.", "provider");
        for (int i = 0; i < 250; i++) {
            c.increment("p" + i);
        }
        c.increment((String) null);
        assertThat(c.count("other")).isEqualTo(50);
        assertThat(c.count("unknown")).isEqualTo(1);
    }

    @Test
    void misuseIsRefused() {
        assertThatThrownBy(() -> new LabelledCounter("fairway_x", "X.", "route"))
                .hasMessage("name: fairway_x (expected: a counter name ending in _total)");
        LabelledCounter c = new LabelledCounter("fairway_x_total", "X.", "route", "provider");
        assertThatThrownBy(() -> c.increment("only-one")).hasMessage("values: 1 (expected: 2, one per label)");
        MetricsRegistry registry = new MetricsRegistry(new RequestMetrics());
        registry.counter("fairway_x_total", "X.", () -> 1);
        assertThatThrownBy(() -> registry.counter(c)).hasMessage("name: fairway_x_total is already published");
        assertThatThrownBy(() -> registry.counter(new LabelledCounter("fairway_tokens_total", "T.", "route")))
                .hasMessage("name: fairway_tokens_total is a request metric");
    }
}
