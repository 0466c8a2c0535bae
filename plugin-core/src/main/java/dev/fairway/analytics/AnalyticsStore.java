package dev.fairway.analytics;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Recent traffic in per-minute rollups, kept for {@link #RETENTION}, and a ring of the last errors.
 *
 * <p>Memory is bounded by the number of rollups: at most {@code maxRollups} attributed ones (each
 * about 750 bytes: two 64-bucket histograms and the counters) plus at most two overflow rollups per
 * retained minute ({@code other}), which take the new keys of a minute once the store is full. With
 * the default 40,000 rollups that is about 30 MB plus 15 MB of overflow at worst, whatever the
 * traffic; counts stay exact, only their attribution to a route, provider or model is lost.
 */
final class AnalyticsStore {
    static final Duration RETENTION = Duration.ofDays(7);
    static final int DEFAULT_MAX_ROLLUPS = 40_000;
    static final int DEFAULT_ERRORS = 200;
    static final int ERRORS_SHOWN = 50;
    /** Groups listed by name; the rest are added up as one {@code other} group. */
    static final int MAX_GROUPS = 100;
    /** Above this many group points the groups carry totals only, which keeps an answer to a few MB. */
    static final long MAX_GROUP_POINTS = 50_000;

    private final Clock clock;
    private final int maxRollups;
    private final NavigableMap<Long, Map<RollupKey, Rollup>> minutes = new ConcurrentSkipListMap<>();
    private final AtomicInteger attributed = new AtomicInteger();
    private final ErrorRing errors;

    AnalyticsStore(Clock clock, int maxRollups, int errorCapacity) {
        this.clock = requireNonNull(clock, "clock");
        if (maxRollups < 1) {
            throw new IllegalArgumentException("maxRollups: " + maxRollups + " (expected: >= 1)");
        }
        this.maxRollups = maxRollups;
        this.errors = new ErrorRing(errorCapacity);
    }

    void record(Observation o) {
        long minute = Math.floorDiv(o.epochMillis(), AnalyticsQuery.MINUTE) * AnalyticsQuery.MINUTE;
        Map<RollupKey, Rollup> slot = minutes.get(minute);
        if (slot == null) {
            if (minute < clock.millis() - RETENTION.toMillis()) {
                return;
            }
            slot = minutes.computeIfAbsent(minute, m -> new ConcurrentHashMap<>());
            expire();
        }
        add(slot, new RollupKey(o.route(), o.provider(), o.model(), null, null), o);
        for (Map.Entry<String, String> e : o.metadata().entrySet()) {
            add(slot, new RollupKey(o.route(), o.provider(), o.model(), e.getKey(), e.getValue()), o);
        }
        for (Map.Entry<String, String> e : o.dimensions().entrySet()) {
            add(slot, new RollupKey(o.route(), o.provider(), o.model(), Observation.dimensionKey(e.getKey()), e.getValue()), o);
        }
        if (o.error()) {
            errors.add(o);
        }
    }

    private void add(Map<RollupKey, Rollup> slot, RollupKey key, Observation o) {
        Rollup r = slot.get(key);
        if (r == null) {
            if (attributed.incrementAndGet() <= maxRollups) {
                r = slot.computeIfAbsent(key, k -> new Rollup());
            } else {
                attributed.decrementAndGet();
                r = slot.computeIfAbsent(key.overflow(), k -> new Rollup());
            }
        }
        r.add(o);
    }

    /** Drops minutes older than the retention; runs when a new minute starts, so about once a minute. */
    private void expire() {
        long oldest = clock.millis() - RETENTION.toMillis();
        Map<Long, Map<RollupKey, Rollup>> old = minutes.headMap(oldest);
        for (Map<RollupKey, Rollup> slot : old.values()) {
            long gone = slot.keySet().stream().filter(k -> k != RollupKey.BASE_OVERFLOW && k != RollupKey.META_OVERFLOW).count();
            attributed.addAndGet((int) -gone);
        }
        old.clear();
    }

    /** Rollups held now, overflow ones included; for the memory bound's tests. */
    int rollups() {
        return minutes.values().stream().mapToInt(Map::size).sum();
    }

    int minutesHeld() {
        return minutes.size();
    }

    long now() {
        return clock.millis();
    }

    /** Answers a query: totals, one point per interval, groups with their own series, recent errors. */
    Map<String, Object> query(AnalyticsQuery q) {
        String metaKey = q.rowMetaKey();
        // Grouping by a metadata key without filtering on it: groups come from that key's rows,
        // totals and series still from the base rows, so they cover requests without the key too.
        boolean totalsFromBase = metaKey != null && q.metaKey() == null;
        Map<Long, Rollup> series = new HashMap<>();
        Rollup totals = new Rollup();
        Map<String, Group> groups = new HashMap<>();
        for (Map.Entry<Long, Map<RollupKey, Rollup>> minute : minutes.subMap(q.fromMillis(), q.toMillis()).entrySet()) {
            long point = Math.floorDiv(minute.getKey(), q.intervalMillis()) * q.intervalMillis();
            for (Map.Entry<RollupKey, Rollup> e : minute.getValue().entrySet()) {
                RollupKey k = e.getKey();
                if (!q.matches(k)) {
                    continue;
                }
                boolean row = sameMeta(k, metaKey, q);
                if (totalsFromBase ? k.isBase() : row) {
                    totals.addAll(e.getValue());
                    series.computeIfAbsent(point, p -> new Rollup()).addAll(e.getValue());
                }
                String group = row ? q.groupOf(k) : null;
                if (group != null) {
                    groups.computeIfAbsent(group, Group::new).add(point, e.getValue());
                }
            }
        }
        return answer(q, totals, series, groups, errors.newest(q::matches, ERRORS_SHOWN).stream().map(Json::error).toList());
    }

    /** The analytics answer from added-up rollups; shared with {@link StoreAnalytics}. */
    static Map<String, Object> answer(AnalyticsQuery q, Rollup totals, Map<Long, Rollup> series, Map<String, Group> groups,
                                      List<Map<String, Object>> recentErrors) {
        long firstPoint = Math.floorDiv(q.fromMillis(), q.intervalMillis()) * q.intervalMillis();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("from", java.time.Instant.ofEpochMilli(q.fromMillis()).toString());
        out.put("to", java.time.Instant.ofEpochMilli(q.toMillis()).toString());
        out.put("interval", q.intervalMillis() == AnalyticsQuery.MINUTE ? "minute" : "hour");
        out.put("group_by", q.groupBy());
        out.put("filters", filters(q));
        out.put("totals", Json.summary(totals));
        out.put("series", Json.series(series, firstPoint, q.toMillis(), q.intervalMillis()));
        List<Group> listed = listed(groups.values());
        long groupPoints = (long) listed.size() * ((q.toMillis() - firstPoint + q.intervalMillis() - 1) / q.intervalMillis());
        boolean groupSeries = groupPoints <= MAX_GROUP_POINTS;
        List<Map<String, Object>> grouped = new ArrayList<>(listed.size());
        for (Group g : listed) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("key", g.key);
            one.put("totals", Json.summary(g.totals));
            if (groupSeries) {
                one.put("series", Json.series(g.series, firstPoint, q.toMillis(), q.intervalMillis()));
            }
            grouped.add(one);
        }
        out.put("groups", grouped);
        if (!groupSeries) {
            out.put("group_series_omitted", "groups x points exceeds " + MAX_GROUP_POINTS + "; use interval=hour or a shorter range");
        }
        out.put("recent_errors", recentErrors);
        return out;
    }

    /** The busiest groups first, at most {@link #MAX_GROUPS}, the rest folded into {@code other}. */
    private static List<Group> listed(java.util.Collection<Group> all) {
        List<Group> sorted = new ArrayList<>(all);
        sorted.sort((a, b) -> a.totals.requests != b.totals.requests
                ? Long.compare(b.totals.requests, a.totals.requests) : a.key.compareTo(b.key));
        if (sorted.size() <= MAX_GROUPS) {
            return sorted;
        }
        Group rest = sorted.stream().filter(g -> g.key.equals(RollupKey.OTHER)).findFirst().orElseGet(() -> new Group(RollupKey.OTHER));
        List<Group> out = new ArrayList<>(MAX_GROUPS + 1);
        for (Group g : sorted) {
            if (g == rest) {
                continue;
            }
            if (out.size() < MAX_GROUPS) {
                out.add(g);
            } else {
                rest.addAll(g);
            }
        }
        out.add(rest);
        return out;
    }

    private static boolean sameMeta(RollupKey k, String metaKey, AnalyticsQuery q) {
        if (metaKey == null) {
            return k.isBase();
        }
        if (!metaKey.equals(k.metaKey())) {
            return false;
        }
        return q.metaValue() == null || q.metaValue().equals(k.metaValue());
    }

    private static Map<String, Object> filters(AnalyticsQuery q) {
        Map<String, Object> f = new LinkedHashMap<>();
        if (q.route() != null) {
            f.put("route", q.route());
        }
        if (q.provider() != null) {
            f.put("provider", q.provider());
        }
        if (q.model() != null) {
            f.put("model", q.model());
        }
        if (q.metaKey() != null) {
            f.put("metadata." + q.metaKey(), q.metaValue());
        }
        return f;
    }

    static final class Group {
        final String key;
        final Rollup totals = new Rollup();
        final Map<Long, Rollup> series = new HashMap<>();

        Group(String key) {
            this.key = key;
        }

        void add(long point, Rollup r) {
            totals.addAll(r);
            series.computeIfAbsent(point, p -> new Rollup()).addAll(r);
        }

        void addAll(Group other) {
            totals.addAll(other.totals);
            other.series.forEach((point, r) -> series.computeIfAbsent(point, p -> new Rollup()).addAll(r));
        }
    }

    List<Observation> recentErrors() {
        return errors.newest(o -> true, Integer.MAX_VALUE);
    }
}
