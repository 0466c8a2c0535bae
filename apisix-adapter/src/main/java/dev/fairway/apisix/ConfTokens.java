package dev.fairway.apisix;

import static java.util.Objects.requireNonNull;

import dev.fairway.config.RouteConfig;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The conf tokens handed to APISIX, each naming one parsed route configuration. A token lives for
 * APISIX's conf cache time plus a grace period, counted from when it was issued: APISIX drops its own
 * copy earlier (at 0.9 of that time), so a token it still holds is never gone here unless the runner
 * restarted or the table overflowed; then the call is answered "conf token not found" and APISIX
 * prepares the conf again.
 */
final class ConfTokens {
    /** The reference runners keep a token ten seconds longer than APISIX does. */
    static final Duration GRACE = Duration.ofSeconds(10);

    private final long ttlNanos;
    private final LongSupplier nanoClock;
    private final int capacity;
    private final AtomicLong next = new AtomicLong();
    private final Map<Long, Entry> byToken = new ConcurrentHashMap<>();
    private final Map<String, Long> byKey = new ConcurrentHashMap<>();

    ConfTokens(Duration ttl, LongSupplier nanoClock, int capacity) {
        this.ttlNanos = requireNonNull(ttl, "ttl").plus(GRACE).toNanos();
        this.nanoClock = requireNonNull(nanoClock, "nanoClock");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
        }
        this.capacity = capacity;
    }

    /**
     * The token for this conf. A repeated key with the same conf text gets its live token back
     * (APISIX sends the key so that concurrent workers preparing one conf share a token).
     */
    long issue(String key, String confText, RouteConfig route) {
        long now = nanoClock.getAsLong();
        if (key != null && !key.isEmpty()) {
            Long known = byKey.get(key);
            if (known != null) {
                Entry e = byToken.get(known);
                if (e != null && e.confText.equals(confText) && !e.expired(now)) {
                    return known;
                }
            }
        }
        if (byToken.size() >= capacity) {
            evict(now);
        }
        long token = next.updateAndGet(t -> t == 0xFFFF_FFFFL ? 1 : t + 1);
        byToken.put(token, new Entry(route, confText, key, now + ttlNanos));
        if (key != null && !key.isEmpty()) {
            byKey.put(key, token);
        }
        return token;
    }

    /** The route for a live token, else null. */
    RouteConfig route(long token) {
        Entry e = byToken.get(token);
        if (e == null) {
            return null;
        }
        if (e.expired(nanoClock.getAsLong())) {
            remove(token, e);
            return null;
        }
        return e.route;
    }

    int size() {
        return byToken.size();
    }

    private void evict(long now) {
        long oldestToken = -1;
        long oldestExpiry = Long.MAX_VALUE;
        for (Iterator<Map.Entry<Long, Entry>> it = byToken.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Entry> me = it.next();
            Entry e = me.getValue();
            if (e.expired(now)) {
                remove(me.getKey(), e);
            } else if (e.expiresAt - oldestExpiry < 0) {
                oldestExpiry = e.expiresAt;
                oldestToken = me.getKey();
            }
        }
        if (byToken.size() >= capacity && oldestToken >= 0) {
            remove(oldestToken, byToken.get(oldestToken));
        }
    }

    private void remove(long token, Entry e) {
        if (e != null && byToken.remove(token, e) && e.key != null) {
            byKey.remove(e.key, token);
        }
    }

    private record Entry(RouteConfig route, String confText, String key, long expiresAt) {
        boolean expired(long now) {
            return now - expiresAt >= 0;
        }
    }
}
