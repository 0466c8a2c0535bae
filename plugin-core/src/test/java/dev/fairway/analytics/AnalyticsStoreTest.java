package dev.fairway.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.fairway.error.GatewayError;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnalyticsStoreTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final long MIN = 60_000;

    private final MutableClock clock = new MutableClock(T0.plusSeconds(3600));
    private final AnalyticsStore store = new AnalyticsStore(clock, 10_000, 20);

    private static Observation obs(long offsetMillis, String route, String provider, String model, int status,
                                   boolean cached, long in, long out, Double cost, long durationMs, Map<String, String> meta) {
        return new Observation(T0.toEpochMilli() + offsetMillis, route, provider, model, status, cached,
                status >= 200 && status < 300 ? null : "http_" + status, in, out, 0, cost,
                durationMs * 1_000_000, durationMs * 500_000, meta, "log-" + offsetMillis + "-" + model);
    }

    private Map<String, Object> query(String... kv) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            params.put(kv[i], List.of(kv[i + 1]));
        }
        return store.query(AnalyticsQuery.parse(params, clock.millis()));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> totals(Map<String, Object> answer) {
        return (Map<String, Object>) answer.get("totals");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> answer, String name) {
        return (List<Map<String, Object>>) answer.get(name);
    }

    private void traffic() {
        store.record(obs(0, "chat", "openai", "gpt-4o", 200, false, 10, 20, 0.01, 100, Map.of("team", "a")));
        store.record(obs(1_000, "chat", "openai", "gpt-4o", 200, true, 0, 0, null, 2, Map.of("team", "b")));
        store.record(obs(61_000, "chat", "anthropic", "claude", 500, false, 5, 0, 0.002, 300, Map.of()));
        store.record(obs(125_000, "batch", "openai", "gpt-4o-mini", 200, false, 7, 3, 0.0005, 50, Map.of("team", "a")));
    }

    @Test
    void totalsAddUpAndEqualTheSumOfTheSeries() {
        traffic();
        Map<String, Object> a = query("from", T0.toString(), "to", T0.plusSeconds(600).toString(), "interval", "minute");
        Map<String, Object> t = totals(a);
        assertThat(t).containsEntry("requests", 4L).containsEntry("cached", 1L).containsEntry("upstream", 3L)
                .containsEntry("errors", 1L).containsEntry("tokens_in", 22L).containsEntry("tokens_out", 23L);
        assertThat((Double) t.get("cost_usd")).isCloseTo(0.0125, within(1e-9));
        assertThat(t).containsEntry("cache_hit_rate", 0.25).containsEntry("error_rate", 0.25);

        List<Map<String, Object>> series = list(a, "series");
        assertThat(series).hasSize(10);
        assertThat(series.get(0)).containsEntry("time", T0.toString()).containsEntry("requests", 2L);
        assertThat(series.get(1)).containsEntry("requests", 1L).containsEntry("errors", 1L);
        assertThat(series.get(2)).containsEntry("requests", 1L);
        assertThat(series.get(3)).containsEntry("requests", 0L).containsEntry("cache_hit_rate", null);
        for (String field : List.of("requests", "cached", "upstream", "errors", "tokens_in", "tokens_out", "tokens_cached_in")) {
            long sum = series.stream().mapToLong(p -> (Long) p.get(field)).sum();
            assertThat(sum).as(field).isEqualTo(t.get(field));
        }
        assertThat(series.stream().mapToDouble(p -> (Double) p.get("cost_usd")).sum()).isCloseTo((Double) t.get("cost_usd"), within(1e-9));
    }

    @Test
    void hourIntervalsFoldMinutesAndStillAddUp() {
        traffic();
        Map<String, Object> a = query("from", T0.minusSeconds(3600).toString(), "to", T0.plusSeconds(3600).toString(), "interval", "hour");
        List<Map<String, Object>> series = list(a, "series");
        assertThat(series).hasSize(2);
        assertThat(series.get(0)).containsEntry("requests", 0L);
        assertThat(series.get(1)).containsEntry("requests", 4L).containsEntry("time", T0.toString());
    }

    @Test
    void rangeExcludesMinutesOutsideIt() {
        traffic();
        Map<String, Object> a = query("from", String.valueOf(T0.toEpochMilli() + MIN), "to", String.valueOf(T0.toEpochMilli() + 2 * MIN));
        assertThat(totals(a)).containsEntry("requests", 1L).containsEntry("errors", 1L);
        assertThat(list(a, "recent_errors")).singleElement().satisfies(e -> assertThat(e)
                .containsEntry("status", 500).containsEntry("error_type", "http_500").containsEntry("provider", "anthropic")
                .containsEntry("log_id", "log-61000-claude").containsKeys("time", "route", "model"));
    }

    @Test
    void filtersNarrowTotalsSeriesAndErrors() {
        traffic();
        String from = T0.toString();
        assertThat(totals(query("from", from, "provider", "openai"))).containsEntry("requests", 3L).containsEntry("errors", 0L);
        assertThat(totals(query("from", from, "route", "batch"))).containsEntry("requests", 1L).containsEntry("tokens_out", 3L);
        assertThat(totals(query("from", from, "model", "gpt-4o"))).containsEntry("requests", 2L).containsEntry("cached", 1L);
        assertThat(totals(query("from", from, "metadata.team", "a"))).containsEntry("requests", 2L).containsEntry("tokens_in", 17L);
        assertThat(totals(query("from", from, "metadata.team", "a", "route", "chat"))).containsEntry("requests", 1L);
        assertThat(list(query("from", from, "provider", "openai"), "recent_errors")).isEmpty();
        assertThat(totals(query("from", from, "model", "nope"))).containsEntry("requests", 0L).containsEntry("error_rate", null);
    }

    @Test
    void groupsByProviderModelRouteAndMetadata() {
        traffic();
        String from = T0.toString();
        assertThat(groups(query("from", from, "group_by", "provider"))).containsExactlyInAnyOrderEntriesOf(Map.of("openai", 3L, "anthropic", 1L));
        assertThat(groups(query("from", from, "group_by", "model"))).containsExactlyInAnyOrderEntriesOf(
                Map.of("gpt-4o", 2L, "claude", 1L, "gpt-4o-mini", 1L));
        assertThat(groups(query("from", from, "group_by", "route", "provider", "openai"))).containsExactlyInAnyOrderEntriesOf(
                Map.of("chat", 2L, "batch", 1L));
        Map<String, Object> byTeam = query("from", from, "group_by", "metadata.team");
        assertThat(groups(byTeam)).containsExactlyInAnyOrderEntriesOf(Map.of("a", 2L, "b", 1L));
        // Totals still count the request that carried no team.
        assertThat(totals(byTeam)).containsEntry("requests", 4L);
        assertThat(groups(query("from", from, "group_by", "metadata.team", "metadata.team", "b"))).isEqualTo(Map.of("b", 1L));
    }

    @Test
    void groupSeriesAddUpToGroupTotals() {
        traffic();
        Map<String, Object> a = query("from", T0.toString(), "group_by", "provider");
        for (Map<String, Object> g : list(a, "groups")) {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> series = (List<Map<String, Object>>) g.get("series");
            @SuppressWarnings("unchecked")
            Map<String, Object> t = (Map<String, Object>) g.get("totals");
            assertThat(series.stream().mapToLong(p -> (Long) p.get("requests")).sum()).isEqualTo(t.get("requests"));
        }
    }

    @Test
    void manyGroupsAreCappedWithTheRestAsOtherAndStillAddUp() {
        for (int i = 0; i < AnalyticsStore.MAX_GROUPS + 50; i++) {
            for (int n = 0; n <= i % 3; n++) {
                store.record(obs(i, "chat", "openai", "model-" + i, 200, false, 1, 0, null, 5, Map.of()));
            }
        }
        Map<String, Object> a = query("from", T0.toString(), "group_by", "model");
        Map<String, Long> g = groups(a);
        assertThat(g).hasSize(AnalyticsStore.MAX_GROUPS + 1).containsKey("other");
        assertThat(g.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(totals(a).get("requests"));
        List<Long> listed = list(a, "groups").stream().filter(x -> !"other".equals(x.get("key")))
                .map(x -> (Long) ((Map<?, ?>) x.get("totals")).get("requests")).toList();
        assertThat(listed).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(a).doesNotContainKey("group_series_omitted");
        // A week by the minute for 101 groups would be a million points: groups keep their totals only.
        Map<String, Object> week = query("from", T0.minusSeconds(6 * 24 * 3600).toString(), "to", T0.plusSeconds(3600).toString(),
                "interval", "minute", "group_by", "model");
        assertThat(week).containsKey("group_series_omitted");
        assertThat(list(week, "groups").get(0)).doesNotContainKey("series").containsKey("totals");
    }

    private static Map<String, Long> groups(Map<String, Object> answer) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Map<String, Object> g : list(answer, "groups")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> t = (Map<String, Object>) g.get("totals");
            out.put((String) g.get("key"), (Long) t.get("requests"));
        }
        return out;
    }

    @Test
    void percentilesAreWithinOneBucketOfTheTruth() {
        for (int i = 1; i <= 100; i++) {
            store.record(obs(i * 100L, "chat", "openai", "m", 200, false, 0, 0, null, i * 10L, Map.of()));
        }
        Map<String, Object> t = totals(query("from", T0.toString()));
        @SuppressWarnings("unchecked")
        Map<String, Double> latency = (Map<String, Double>) t.get("latency_ms");
        @SuppressWarnings("unchecked")
        Map<String, Double> ttfb = (Map<String, Double>) t.get("ttfb_ms");
        // One bucket is 2^(1/3) wide: about 26%.
        assertThat(latency.get("p50")).isBetween(500 / 1.26, 500 * 1.26);
        assertThat(latency.get("p95")).isBetween(950 / 1.26, 950 * 1.26);
        assertThat(ttfb.get("p50")).isBetween(250 / 1.26, 250 * 1.26);
    }

    @Test
    void emptyRangeHasZerosAndNoPercentiles() {
        Map<String, Object> t = totals(query("from", T0.toString()));
        assertThat(t).containsEntry("requests", 0L);
        @SuppressWarnings("unchecked")
        Map<String, Object> latency = (Map<String, Object>) t.get("latency_ms");
        assertThat(latency).containsEntry("p50", null).containsEntry("p95", null);
    }

    @Test
    void rollupsAreBoundedAndOverflowStillCounts() {
        AnalyticsStore small = new AnalyticsStore(clock, 5, 20);
        for (int i = 0; i < 50; i++) {
            small.record(obs(i, "chat", "openai", "model-" + i, 200, false, 1, 1, null, 10, Map.of()));
        }
        // Five attributed keys and one overflow key in the one minute used.
        assertThat(small.rollups()).isEqualTo(6);
        Map<String, Object> a = small.query(AnalyticsQuery.parse(Map.of("from", List.of(T0.toString()), "group_by", List.of("model")), clock.millis()));
        assertThat(totals(a)).containsEntry("requests", 50L).containsEntry("tokens_in", 50L);
        assertThat(groups(a)).containsEntry("other", 45L).hasSize(6);
    }

    @Test
    void boundHoldsAcrossAWeekOfMinutes() {
        AnalyticsStore small = new AnalyticsStore(clock, 100, 20);
        clock.advanceMillis(8L * 24 * 3600 * 1000);
        long start = clock.millis() - 7L * 24 * 3600 * 1000 + MIN;
        for (long m = 0; m < 7L * 24 * 60 - 1; m++) {
            for (int k = 0; k < 3; k++) {
                small.record(new Observation(start + m * MIN, "r", "p", "model-" + k, 200, false, null, 0, 0, 0, null, 1, -1, Map.of(), "x"));
            }
        }
        // 100 attributed rollups at most, plus one overflow rollup per minute held.
        assertThat(small.rollups()).isLessThanOrEqualTo(100 + small.minutesHeld());
        assertThat(small.minutesHeld()).isLessThanOrEqualTo(7 * 24 * 60 + 1);
    }

    @Test
    void minutesOlderThanTheRetentionAreDroppedAndTheirBudgetReturned() {
        AnalyticsStore small = new AnalyticsStore(clock, 2, 20);
        small.record(obs(0, "chat", "openai", "a", 200, false, 0, 0, null, 1, Map.of()));
        small.record(obs(0, "chat", "openai", "b", 200, false, 0, 0, null, 1, Map.of()));
        clock.advanceMillis(AnalyticsStore.RETENTION.toMillis() + 10 * MIN);
        long later = clock.millis() - T0.toEpochMilli();
        small.record(obs(later, "chat", "openai", "c", 200, false, 0, 0, null, 1, Map.of()));
        assertThat(small.minutesHeld()).isEqualTo(1);
        // The dropped minute's two keys no longer count against the budget, so "c" keeps its name.
        Map<String, Object> a = small.query(AnalyticsQuery.parse(Map.of("group_by", List.of("model")), clock.millis()));
        assertThat(groups(a)).isEqualTo(Map.of("c", 1L));
        // Observations already older than the retention are not stored at all.
        small.record(obs(0, "chat", "openai", "d", 200, false, 0, 0, null, 1, Map.of()));
        assertThat(small.minutesHeld()).isEqualTo(1);
    }

    @Test
    void errorRingKeepsTheNewest() {
        AnalyticsStore small = new AnalyticsStore(clock, 100, 3);
        for (int i = 0; i < 5; i++) {
            small.record(obs(i * 1000L, "chat", "openai", "m" + i, 502, false, 0, 0, null, 1, Map.of()));
        }
        assertThat(small.recentErrors()).extracting(Observation::model).containsExactly("m4", "m3", "m2");
    }

    @Test
    void badParametersAreNamed() {
        assertBad(Map.of("from", "yesterday"), "from");
        assertBad(Map.of("to", ""), "to");
        assertBad(Map.of("from", "2026-03-01T10:00:00Z", "to", "2026-03-01T09:00:00Z"), "to");
        assertBad(Map.of("interval", "day"), "interval");
        assertBad(Map.of("group_by", "colour"), "group_by");
        assertBad(Map.of("group_by", "metadata."), "group_by");
        assertBad(Map.of("metadata.", "x"), "metadata.");
        assertBad(Map.of("limit", "5"), "limit");
        assertBad(Map.of("from", "0", "to", "2026-03-01T10:00:00Z", "interval", "minute"), "interval");
        assertBad(Map.of("metadata.a", "1", "group_by", "metadata.b"), "group_by");
        Map<String, List<String>> twice = Map.of("model", List.of("a", "b"));
        assertThatThrownBy(() -> AnalyticsQuery.parse(twice, clock.millis())).isInstanceOf(GatewayError.class)
                .satisfies(e -> assertThat(((GatewayError) e).details()).containsEntry("parameter", "model"));
    }

    private void assertBad(Map<String, String> params, String name) {
        Map<String, List<String>> p = new LinkedHashMap<>();
        params.forEach((k, v) -> p.put(k, List.of(v)));
        assertThatThrownBy(() -> AnalyticsQuery.parse(p, clock.millis()))
                .isInstanceOf(GatewayError.class)
                .hasMessageStartingWith(name)
                .satisfies(e -> {
                    GatewayError g = (GatewayError) e;
                    assertThat(g.status()).isEqualTo(400);
                    assertThat(g.details()).containsEntry("parameter", name);
                });
    }
}
