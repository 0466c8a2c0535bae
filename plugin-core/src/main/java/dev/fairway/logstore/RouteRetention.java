package dev.fairway.logstore;

import static java.util.Objects.requireNonNull;

import dev.fairway.config.RetentionSettings;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Each route's retention (Cloudflare's log limits): records older than {@code max_age_days} go;
 * beyond {@code max_records} either the oldest go ({@code delete_oldest}) or new records are not
 * stored ({@code stop_inserting}; they stay in the spool and its export). Runs on the feeder's
 * thread, after each transaction, at most once per route every {@link #EVERY_MILLIS}.
 */
public final class RouteRetention {
    static final long EVERY_MILLIS = 10_000;
    private static final long DAY = 86_400_000L;

    private final Function<String, RetentionSettings> settings;
    private final Clock clock;
    private final Map<String, Long> lastRun = new HashMap<>();
    private final Map<String, Long> addedSince = new HashMap<>();

    /** @param settings a route's retention, null when it keeps everything (routes come from configuration) */
    public RouteRetention(Function<String, RetentionSettings> settings, Clock clock) {
        this.settings = requireNonNull(settings, "settings");
        this.clock = requireNonNull(clock, "clock");
    }

    public static RouteRetention none() {
        return new RouteRetention(route -> null, Clock.systemUTC());
    }

    /**
     * Admission to one transaction of the store: its room per stop_inserting route is counted from
     * the store once, then lowered by what it admits, since the store's count does not see records
     * added in a transaction not committed yet.
     */
    Admission admission(LogStore store) {
        return new Admission(requireNonNull(store, "store"));
    }

    final class Admission {
        private final LogStore store;
        private final Map<String, Long> room = new HashMap<>();

        private Admission(LogStore store) {
            this.store = store;
        }

        /** The records of {@code batch} the store takes: all, except for full stop_inserting routes. */
        List<StoredLog> admit(List<StoredLog> batch) {
            List<StoredLog> out = new ArrayList<>(batch.size());
            for (StoredLog r : batch) {
                RetentionSettings s = r.route() == null ? null : settings.apply(r.route());
                if (s == null || s.maxRecords() == null || !"stop_inserting".equals(s.whenFull())) {
                    out.add(r);
                    continue;
                }
                long left = room.computeIfAbsent(r.route(), route -> s.maxRecords() - store.count(route));
                if (left > 0) {
                    out.add(r);
                    room.put(r.route(), left - 1);
                }
            }
            return out;
        }
    }

    /**
     * Applies age limits and delete_oldest count limits to the routes a committed transaction
     * touched ({@code stored}: records admitted per route).
     */
    void afterAppend(LogStore store, Map<String, Long> stored) {
        Set<String> routes = new LinkedHashSet<>();
        stored.forEach((route, count) -> {
            if (settings.apply(route) != null) {
                routes.add(route);
                addedSince.merge(route, count, Long::sum);
            }
        });
        long now = clock.millis();
        for (String route : routes) {
            RetentionSettings s = settings.apply(route);
            if (s == null) {
                continue;
            }
            // Every 10 s, or sooner once a tenth of max_records arrived, so a count limit is never far exceeded.
            long added = addedSince.getOrDefault(route, 0L);
            boolean countDue = s.maxRecords() != null && added >= Math.max(1, s.maxRecords() / 10);
            if ((!countDue && now - lastRun.getOrDefault(route, Long.MIN_VALUE / 2) < EVERY_MILLIS)) {
                continue;
            }
            lastRun.put(route, now);
            addedSince.remove(route);
            Long olderThan = s.maxAgeDays() == null ? null : now - s.maxAgeDays() * DAY;
            Long keep = "delete_oldest".equals(s.whenFull()) ? s.maxRecords() : null;
            if (olderThan != null || keep != null) {
                store.retain(route, olderThan, keep);
            }
        }
    }
}
