package dev.fairway.retry;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * One circuit per target key. Closed: failures are counted in a sliding window; reaching the
 * threshold opens it. Open: the target is skipped until the cool-down ends. Half-open: exactly one
 * request probes it; success closes the circuit, failure opens it again for another cool-down.
 */
public final class CircuitBreakers {
    public enum State { CLOSED, OPEN, HALF_OPEN }

    private final Map<String, Circuit> circuits = new ConcurrentHashMap<>();
    private final LongSupplier nanos;

    public CircuitBreakers(LongSupplier nanos) {
        this.nanos = requireNonNull(nanos, "nanos");
    }

    public static CircuitBreakers systemClock() {
        return new CircuitBreakers(System::nanoTime);
    }

    /** Whether a request may go to {@code key} now; in half-open state only the first asker gets through. */
    public boolean tryAcquire(String key, BreakerSettings settings) {
        if (!settings.enabled()) {
            return true;
        }
        return circuit(key).tryAcquire(nanos.getAsLong(), settings);
    }

    public void onSuccess(String key, BreakerSettings settings) {
        if (settings.enabled()) {
            circuit(key).onSuccess();
        }
    }

    public void onFailure(String key, BreakerSettings settings) {
        if (settings.enabled()) {
            circuit(key).onFailure(nanos.getAsLong(), settings);
        }
    }

    public State state(String key) {
        Circuit c = circuits.get(key);
        return c == null ? State.CLOSED : c.state;
    }

    private Circuit circuit(String key) {
        return circuits.computeIfAbsent(key, k -> new Circuit());
    }

    private static final class Circuit {
        private final ArrayDeque<Long> failures = new ArrayDeque<>();
        private State state = State.CLOSED;
        private long openedAt;
        private boolean probing;

        synchronized boolean tryAcquire(long now, BreakerSettings s) {
            if (state == State.OPEN && now - openedAt >= s.cooldownSeconds() * 1_000_000_000L) {
                state = State.HALF_OPEN;
                probing = false;
            }
            return switch (state) {
                case CLOSED -> true;
                case OPEN -> false;
                case HALF_OPEN -> {
                    if (probing) {
                        yield false;
                    }
                    probing = true;
                    yield true;
                }
            };
        }

        synchronized void onSuccess() {
            state = State.CLOSED;
            probing = false;
            failures.clear();
        }

        synchronized void onFailure(long now, BreakerSettings s) {
            if (state == State.HALF_OPEN) {
                open(now);
                return;
            }
            long window = s.windowSeconds() * 1_000_000_000L;
            failures.addLast(now);
            while (!failures.isEmpty() && now - failures.peekFirst() > window) {
                failures.removeFirst();
            }
            if (failures.size() >= s.failureThreshold()) {
                open(now);
            }
        }

        private void open(long now) {
            state = State.OPEN;
            openedAt = now;
            probing = false;
            failures.clear();
        }
    }
}
