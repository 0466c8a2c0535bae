package dev.fairway.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fairway.error.GatewayError;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Analytics group by a routing flow, its version and its branch, apart from metadata. */
class FlowAnalyticsTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private final MutableClock clock = new MutableClock(T0.plusSeconds(3600));
    private final AnalyticsStore store = new AnalyticsStore(clock, 10_000, 20);

    private void record(long offset, String model, Map<String, String> meta, Map<String, String> flow) {
        store.record(new Observation(T0.toEpochMilli() + offset, "main", "openai", model, 200, false, null, 1, 1, 0, 0.001,
                1_000_000, 500_000, meta, "log-" + offset, flow));
    }

    private static Map<String, String> flow(String name, int version, String branch) {
        return Map.of("flow", name, "flow_version", name + "@" + version, "flow_branch", name + "@" + version + "/" + branch);
    }

    @Test
    void groupsByFlowVersionAndBranch() {
        record(0, "gpt-4o", Map.of("flow", "not-a-flow"), flow("support", 1, "paid"));
        record(1_000, "gpt-4o-mini", Map.of(), flow("support", 1, "free"));
        record(2_000, "gpt-4o-mini", Map.of(), flow("support", 2, "free"));
        record(3_000, "gpt-4o", Map.of("flow", "not-a-flow"), Map.of());
        String from = T0.toString();
        assertThat(groups(query("from", from, "group_by", "flow"))).isEqualTo(Map.of("support", 3L));
        assertThat(groups(query("from", from, "group_by", "flow_version"))).isEqualTo(Map.of("support@1", 2L, "support@2", 1L));
        assertThat(groups(query("from", from, "group_by", "flow_branch")))
                .isEqualTo(Map.of("support@1/paid", 1L, "support@1/free", 1L, "support@2/free", 1L));
        // Totals still cover every request; a metadata key named like a dimension stays metadata.
        assertThat(((Map<?, ?>) query("from", from, "group_by", "flow").get("totals")).get("requests")).isEqualTo(4L);
        assertThat(groups(query("from", from, "group_by", "metadata.flow"))).isEqualTo(Map.of("not-a-flow", 2L));
        assertThatThrownBy(() -> query("from", from, "group_by", "flow", "metadata.team", "a")).isInstanceOf(GatewayError.class)
                .hasMessageContaining("group_by: flow cannot be combined");
    }

    private Map<String, Object> query(String... kv) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            params.put(kv[i], List.of(kv[i + 1]));
        }
        return store.query(AnalyticsQuery.parse(params, clock.millis()));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Long> groups(Map<String, Object> answer) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Map<String, Object> g : (List<Map<String, Object>>) answer.get("groups")) {
            out.put((String) g.get("key"), (Long) ((Map<String, Object>) g.get("totals")).get("requests"));
        }
        return out;
    }
}
