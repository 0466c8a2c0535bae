package dev.fairway.retry;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The circuit of every target the dispatcher has called, bounded: at most {@link #MAX_CIRCUITS}
 * circuits, each forgotten after {@link #IDLE} without a request. A forgotten circuit is closed,
 * which is what a target nobody calls would be after its cool-down anyway.
 */
public final class CircuitBreakers {
    /** Far above routes x providers x hosts of any configuration; a client naming hosts (Azure resources) cannot go past it. */
    public static final long MAX_CIRCUITS = 10_000;
    /** Longer than any sensible cool-down or window, so a circuit in use is never forgotten mid-cool-down. */
    public static final Duration IDLE = Duration.ofHours(1);

    private static final CircuitBreaker OFF = new CircuitBreaker(new BreakerSettings(false, null, null, null), () -> 0);

    private final Cache<BreakerKey, CircuitBreaker> circuits;
    private final LongSupplier nanos;

    public CircuitBreakers(LongSupplier nanos) {
        this(nanos, MAX_CIRCUITS);
    }

    CircuitBreakers(LongSupplier nanos, long maxCircuits) {
        this.nanos = requireNonNull(nanos, "nanos");
        this.circuits = Caffeine.newBuilder()
                .maximumSize(maxCircuits)
                .expireAfterAccess(IDLE)
                .ticker(nanos::getAsLong)
                // Upkeep on the caller's thread: a few map operations, and no pool thread to wait for in tests.
                .executor(Runnable::run)
                .build();
    }

    public static CircuitBreakers systemClock() {
        return new CircuitBreakers(System::nanoTime);
    }

    /** The circuit of {@code key} under {@code settings}; one that lets everything through when the route turns breakers off. */
    public CircuitBreaker circuit(BreakerKey key, BreakerSettings settings) {
        requireNonNull(key, "key");
        if (!settings.enabled()) {
            return OFF;
        }
        CircuitBreaker c = circuits.get(key, k -> new CircuitBreaker(settings, nanos));
        if (!c.settings().equals(settings)) {
            // The route was reconfigured (a host changes routes at run time): its circuits start afresh.
            c = new CircuitBreaker(settings, nanos);
            circuits.put(key, c);
        }
        return c;
    }

    /** The phase of {@code key}'s circuit; closed when it has none. */
    public CircuitBreaker.Phase phase(BreakerKey key) {
        CircuitBreaker c = circuits.getIfPresent(key);
        return c == null ? CircuitBreaker.Phase.CLOSED : c.phase();
    }

    /** How many circuits are held now. */
    public long size() {
        circuits.cleanUp();
        return circuits.estimatedSize();
    }
}
