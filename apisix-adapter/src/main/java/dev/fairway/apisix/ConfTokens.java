package dev.fairway.apisix;

import static java.util.Objects.requireNonNull;

import dev.fairway.config.RouteConfig;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * The conf tokens handed to APISIX, each naming one parsed route configuration.
 *
 * <p>Tokens are drawn at random from the whole uint32 range, never counted from 1: APISIX keeps
 * them in its {@code ext-plugin} shared dict, which survives an nginx reload, and a reload starts a
 * new runner without flushing that dict ({@code apisix/plugins/ext-plugin/init.lua} flushes only on
 * the {@code runner_exit} event a reload never posts). A token of the previous runner must therefore
 * meet "conf token not found" here (APISIX then flushes and prepares again), not name whatever this
 * runner happened to number the same. A stale token hits a live one with odds of live tokens / 2^32.
 *
 * <p>A token lives {@link #lifetime} from its latest PrepareConf: APISIX keeps a token in the shared
 * dict for 0.9 of its conf cache time and every worker that reads it there keeps it a full cache
 * time more in its lrucache, so a token can be used up to 1.9 cache times after the PrepareConf that
 * put it in the dict. A repeated PrepareConf for the same key and conf gets the same token, its life
 * extended again, so in steady state APISIX never meets "conf token not found".
 */
final class ConfTokens {
    /** The reference runners keep a token ten seconds longer than APISIX does. */
    static final Duration GRACE = Duration.ofSeconds(10);
    private static final long TOKEN_BOUND = 1L << 32;

    private final long lifeNanos;
    private final LongSupplier nanoClock;
    private final int capacity;
    private final RandomGenerator random;
    private final Map<Long, Entry> byToken = new ConcurrentHashMap<>();
    private final Map<String, Long> byKey = new ConcurrentHashMap<>();

    ConfTokens(Duration ttl, LongSupplier nanoClock, int capacity) {
        this(ttl, nanoClock, capacity, new SecureRandom());
    }

    ConfTokens(Duration ttl, LongSupplier nanoClock, int capacity, RandomGenerator random) {
        this.lifeNanos = lifetime(requireNonNull(ttl, "ttl")).toNanos();
        this.random = requireNonNull(random, "random");
        this.nanoClock = requireNonNull(nanoClock, "nanoClock");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
        }
        this.capacity = capacity;
    }

    /** How long a token outlives its latest PrepareConf, for APISIX's conf cache time {@code ttl}. */
    static Duration lifetime(Duration ttl) {
        // 0.9 ttl in the shared dict, then a full ttl in a worker's lrucache; rounded up to 2 ttl.
        return ttl.multipliedBy(2).plus(GRACE);
    }

    /**
     * The token for this conf. A repeated key with the same conf text gets its live token back, its
     * life extended (APISIX sends the key so that concurrent workers preparing one conf share a token).
     */
    long issue(String key, String confText, RouteConfig route) {
        long now = nanoClock.getAsLong();
        if (key != null && !key.isEmpty()) {
            Long known = byKey.get(key);
            if (known != null) {
                Entry e = byToken.get(known);
                if (e != null && e.confText.equals(confText) && !e.expired(now)
                        && byToken.replace(known, e, e.extendedTo(now + lifeNanos))) {
                    return known;
                }
            }
        }
        if (byToken.size() >= capacity) {
            evict(now);
        }
        Entry entry = new Entry(route, confText, key, now + lifeNanos);
        long token;
        do {
            // Zero stays unused: a FlatBuffers reader sees an absent conf_token as 0.
            token = random.nextLong(1, TOKEN_BOUND);
        } while (byToken.putIfAbsent(token, entry) != null);
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

        Entry extendedTo(long newExpiry) {
            return new Entry(route, confText, key, newExpiry);
        }
    }
}
