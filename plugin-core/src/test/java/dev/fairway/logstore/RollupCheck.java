package dev.fairway.logstore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.analytics.LatencyHistogram;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Pins the analytics rollup: after appends, replays, erasure, re-appends of erased ids, retention
 * and metadata patches, every aggregate the rollup answers equals the same aggregate recomputed in
 * Java from the records the store should hold. Used by {@link LogStoreContract} on each database.
 */
final class RollupCheck {
    private static final long T0 = LogStoreContract.T0;
    private static final long MIN = 60_000L;
    private static final long HOUR = 3_600_000L;

    private final LogStore store;
    private final Map<String, StoredLog> held = new LinkedHashMap<>();
    private final java.util.Set<String> erasedIds = new java.util.HashSet<>();
    private final SplittableRandom rnd = new SplittableRandom(7);
    private int next = 1;

    RollupCheck(LogStore store) {
        this.store = store;
    }

    void run() {
        List<StoredLog> first = records(120);
        append(first);
        verify("after the first append");
        patchSome(first, 15);
        verify("after feedback and scores");
        List<StoredLog> again = new ArrayList<>(first.subList(0, 40));
        again.addAll(records(60));
        append(again); // 40 replays count nothing
        verify("after replays");
        LogFilter erase = new LogFilter(T0 + HOUR, T0 + 3 * HOUR, "support", null, null, null, null, null, null, null,
                null, null, null, null);
        List<String> erased = store.delete(erase);
        assertThat(erased).isNotEmpty();
        erased.forEach(held::remove);
        erasedIds.addAll(erased);
        verify("after erasure");
        append(first.stream().filter(r -> erased.contains(r.logId())).toList()); // erased ids stay out
        verify("after re-appending erased ids");
        int byAge = store.retain("chat", T0 + 2 * HOUR + 17 * MIN, null);
        held.values().removeIf(r -> "chat".equals(r.route()) && r.createdAt() < T0 + 2 * HOUR + 17 * MIN);
        assertThat(byAge).isPositive();
        verify("after retention by age");
        store.retain("search", null, 5L);
        List<StoredLog> search = held.values().stream().filter(r -> "search".equals(r.route()))
                .sorted((a, b) -> a.createdAt() != b.createdAt() ? Long.compare(b.createdAt(), a.createdAt())
                        : b.logId().compareTo(a.logId())).toList();
        search.stream().skip(5).forEach(r -> held.remove(r.logId()));
        verify("after retention by count");
        String some = held.keySet().iterator().next();
        assertThat(store.patch(some, 1, 90, "{\"user\":\"changed\"}")).isTrue();
        held.put(some, Rows.withFeedback(held.get(some), 1, 90));
        verify("after a metadata patch");
        patchSome(new ArrayList<>(held.values()), 10); // thumbs turned, scores changed, some only one of the two
        verify("after changed feedback");
    }

    /** Gives {@code n} of the held records feedback and/or a score through PATCH, as the API does. */
    private void patchSome(List<StoredLog> from, int n) {
        for (int i = 0; i < n; i++) {
            StoredLog r = held.get(from.get(rnd.nextInt(from.size())).logId());
            if (r == null) {
                continue;
            }
            Integer feedback = rnd.nextInt(3) == 0 ? null : (rnd.nextBoolean() ? 1 : -1);
            Integer score = feedback != null && rnd.nextBoolean() ? null : rnd.nextInt(101);
            assertThat(store.patch(r.logId(), feedback, score, null)).isTrue();
            held.put(r.logId(), Rows.withFeedback(r, feedback != null ? feedback : r.feedback(), score != null ? score : r.score()));
        }
    }

    private void append(List<StoredLog> rows) {
        store.append("node-r", next, rows);
        rows.stream().filter(r -> !erasedIds.contains(r.logId())).forEach(r -> held.putIfAbsent(r.logId(), r));
    }

    private List<StoredLog> records(int n) {
        String[] routes = {"chat", "support", "search", null};
        String[] providers = {"openai", "anthropic", null};
        List<StoredLog> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int id = next++;
            long at = T0 + rnd.nextLong(5 * HOUR);
            String route = routes[rnd.nextInt(routes.length)];
            int status = rnd.nextInt(8) == 0 ? 502 : 200;
            double duration = 1 + rnd.nextDouble() * 5000;
            boolean noByte = rnd.nextInt(6) == 0;
            Long tokens = rnd.nextInt(5) == 0 ? null : (long) rnd.nextInt(500);
            Double cost = status == 200 && rnd.nextBoolean() ? rnd.nextInt(10_000) / 1e6 : null;
            boolean cached = rnd.nextInt(4) == 0;
            out.add(new StoredLog("r-" + id, "ev-" + id, "node-r", id, at, duration, noByte ? null : duration / 4,
                    LatencyHistogram.bucketOf(duration), noByte ? -1 : LatencyHistogram.bucketOf(duration / 4), route,
                    providers[rnd.nextInt(providers.length)], rnd.nextInt(4) == 0 ? "" : "m" + rnd.nextInt(3), status,
                    status == 200, cached, cached && rnd.nextBoolean(), status == 200 ? null : "http_502", tokens, tokens, 0L, cost,
                    "{\"user\":\"u" + rnd.nextInt(3) + "\"}", null, null, new byte[] {'{', '}'}));
        }
        return out;
    }

    private void verify(String when) {
        long end = T0 + 5 * HOUR;
        List<LogFilter> filters = List.of(LogFilter.ALL, LogFilter.ALL.withTimeRange(T0, end),
                LogFilter.ALL.withTimeRange(T0 + 37 * MIN, end - 23 * MIN), LogFilter.route("chat").withTimeRange(T0, end),
                new LogFilter(T0 + 61 * MIN, T0 + 4 * HOUR, null, "openai", "m1", null, null, null, null, null, null, null,
                        null, null));
        for (LogFilter f : filters) {
            for (long interval : new long[] {MIN, 5 * MIN, HOUR, 2 * HOUR}) {
                for (String groupBy : new String[] {null, "route", "provider", "model"}) {
                    assertThat(RollupAggregates.answers(f, interval, groupBy)).isTrue();
                    assertThat(cells(store.aggregate(f, interval, groupBy)))
                            .as("%s: %s every %d ms by %s", when, f, interval, groupBy)
                            .isEqualTo(expected(f, interval, groupBy));
                }
            }
        }
    }

    private Map<String, String> expected(LogFilter f, long interval, String groupBy) {
        Function<StoredLog, String> group = switch (groupBy == null ? "" : groupBy) {
            case "route" -> StoredLog::route;
            case "provider" -> StoredLog::provider;
            case "model" -> StoredLog::model;
            default -> r -> null;
        };
        Map<String, Cell> cells = new TreeMap<>();
        for (StoredLog r : held.values()) {
            if ((f.from() == null || r.createdAt() >= f.from()) && (f.to() == null || r.createdAt() < f.to())
                    && (f.route() == null || f.route().equals(r.route()))
                    && (f.provider() == null || f.provider().equals(r.provider()))
                    && (f.model() == null || f.model().equals(r.model()))) {
                Cell c = cells.computeIfAbsent((r.createdAt() - r.createdAt() % interval) + "/" + group.apply(r), k -> new Cell());
                c.requests++;
                c.cached += r.cached() ? 1 : 0;
                c.semantic += r.semantic() ? 1 : 0;
                c.errors += r.success() ? 0 : 1;
                c.feedback += r.feedback() == null ? "" : r.feedback() > 0 ? "+" : "-";
                c.scoreSum += r.score() == null ? 0 : r.score();
                c.scoreCount += r.score() == null ? 0 : 1;
                c.tokens += (r.tokensIn() == null ? 0 : r.tokensIn()) * 3 + (r.tokensCached() == null ? 0 : r.tokensCached());
                c.cost += r.costUsd() == null ? 0 : r.costUsd();
                c.latency.merge(r.latencyBucket(), 1L, Long::sum);
                if (r.ttfbBucket() >= 0) {
                    c.ttfb.merge(r.ttfbBucket(), 1L, Long::sum);
                }
            }
        }
        Map<String, String> out = new TreeMap<>();
        cells.forEach((k, c) -> out.put(k, c.toString()));
        return out;
    }

    private static Map<String, String> cells(List<LogStore.AggregateRow> rows) {
        Map<String, Cell> cells = new TreeMap<>();
        for (LogStore.AggregateRow r : rows) {
            Cell c = cells.computeIfAbsent(r.bucket() + "/" + r.group(), k -> new Cell());
            c.requests += r.requests();
            c.cached += r.cached();
            c.semantic += r.semanticCached();
            c.errors += r.errors();
            c.feedback += "+".repeat((int) r.feedbackUp()) + "-".repeat((int) r.feedbackDown());
            c.scoreSum += r.scoreSum();
            c.scoreCount += r.scoreCount();
            c.tokens += r.tokensIn() + r.tokensOut() * 2 + r.tokensCached();
            c.cost += r.costUsd();
            for (int b = 0; b < LogStore.AggregateRow.buckets(); b++) {
                if (r.latency(b) != 0) {
                    c.latency.merge(b, r.latency(b), Long::sum);
                }
                if (r.ttfb(b) != 0) {
                    c.ttfb.merge(b, r.ttfb(b), Long::sum);
                }
            }
        }
        Map<String, String> out = new TreeMap<>();
        cells.forEach((k, c) -> out.put(k, c.toString()));
        return out;
    }

    /** One (bucket, group) cell; cost rounded as analytics renders it (nanodollars). */
    private static final class Cell {
        long requests;
        long cached;
        long semantic;
        long errors;
        String feedback = "";
        long scoreSum;
        long scoreCount;
        long tokens;
        double cost;
        final Map<Integer, Long> latency = new TreeMap<>();
        final Map<Integer, Long> ttfb = new TreeMap<>();

        @Override
        public String toString() {
            String thumbs = feedback.chars().filter(ch -> ch == '+').count() + " up "
                    + feedback.chars().filter(ch -> ch == '-').count() + " down";
            return requests + " req, " + cached + " cached (" + semantic + " semantic), " + errors + " errors, " + thumbs
                    + ", score " + scoreSum + "/" + scoreCount + ", " + tokens + " tokens, "
                    + Math.round(cost * 1e9) + " n$, latency " + latency + ", ttfb " + ttfb;
        }
    }
}
