package dev.fairway.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fairway.pipeline.Usage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    private static String golden(String name) throws IOException {
        try (InputStream in = PrometheusTextTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void requestMetricsMatchTheGoldenExposition() throws IOException {
        RequestMetrics m = new RequestMetrics();
        m.record("chat", "openai", "gpt-4o", 200, false, null, new Usage(10, 20, 4), 0.25, 1_200_000_000L, 300_000_000L);
        m.record("chat", "openai", "gpt-4o", 200, true, null, null, null, 3_000_000L, 2_000_000L);
        m.record("chat", "anthropic", "claude \"3\"", 502, false, "upstream_unavailable", null, null, 40_000_000L, -1);
        m.genAi().record("chat", "openai", "gpt-4o", "gpt-4o-2024-08-06", "chat", null, false, new Usage(10, 20, 4), 1_200_000_000L, 300_000_000L);
        m.genAi().record("chat", "anthropic", "claude", "", "chat", "upstream_unavailable", false, null, 40_000_000L, -1);
        MetricsRegistry registry = new MetricsRegistry(m);
        AtomicLong failures = new AtomicLong(3);
        registry.counter("fairway_quota_store_failures_total", "Quota store operations that failed.", failures::get);
        registry.gauge("fairway_log_backlog", "Records waiting for export.", () -> 7);
        assertThat(registry.scrape()).isEqualTo(golden("metrics.golden.txt"));
        failures.incrementAndGet();
        assertThat(registry.scrape()).contains("fairway_quota_store_failures_total 4.0\n");
    }

    @Test
    void publishedNamesAreChecked() {
        MetricsRegistry registry = new MetricsRegistry(new RequestMetrics());
        assertThatThrownBy(() -> registry.counter("backlog", "x", () -> 1)).hasMessageContaining("ending in _total");
        assertThatThrownBy(() -> registry.gauge("bad-name", "x", () -> 1)).hasMessageContaining("name: bad-name");
        assertThatThrownBy(() -> registry.gauge("fairway_tokens_total", "x", () -> 1)).hasMessageContaining("request metric");
        registry.gauge("fairway_x", "x", () -> 1);
        assertThatThrownBy(() -> registry.gauge("fairway_x", "x", () -> 2)).hasMessageContaining("already published");
    }

    @Test
    void aFailingPublisherShowsNaNInsteadOfBreakingTheScrape() {
        MetricsRegistry registry = new MetricsRegistry(new RequestMetrics());
        registry.gauge("fairway_broken", "Broken.", () -> {
            throw new IllegalStateException("down");
        });
        assertThat(registry.scrape()).contains("fairway_broken NaN\n");
    }

    @Test
    void labelCapSendsNewValuesToOtherOnceFull() {
        LabelCap cap = new LabelCap(2);
        assertThat(cap.apply("a")).isEqualTo("a");
        assertThat(cap.apply("b")).isEqualTo("b");
        assertThat(cap.apply("c")).isEqualTo(LabelCap.OTHER);
        assertThat(cap.apply("a")).isEqualTo("a");
        assertThat(cap.apply(null)).isEqualTo(LabelCap.UNKNOWN);
        assertThat(cap.size()).isEqualTo(2);
    }
}
