package dev.fairway.balance;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Passive health of one member: consecutive failures, and when they reach the pool's limit, an
 * ejection until a time. Lock-free, like {@code retry.CircuitBreaker}: an immutable state swapped by
 * compare-and-set. Once the cool-down has passed the member is admitted again; its failure count
 * stays at the limit, so one more failure ejects it at once and a success clears it.
 */
final class MemberHealth {
    /** @param ejectedUntil nanos of the clock until which the member is left out; meaningful when ejected */
    private record State(int failures, boolean ejected, long ejectedUntil) {}

    private static final State HEALTHY = new State(0, false, 0);

    private final AtomicReference<State> state = new AtomicReference<>(HEALTHY);

    /** Whether the member may be chosen at {@code now}. */
    boolean admitted(long now) {
        State s = state.get();
        return !s.ejected() || now - s.ejectedUntil >= 0;
    }

    /** When an ejected member comes back (nanos of the clock); only meaningful when not admitted. */
    long readmittedAt() {
        return state.get().ejectedUntil();
    }

    void onSuccess() {
        state.set(HEALTHY);
    }

    /** A failure at {@code now}: the {@code ejectAfter}th in a row ejects the member for {@code cooldownNanos}. */
    void onFailure(long now, int ejectAfter, long cooldownNanos) {
        State s;
        State next;
        do {
            s = state.get();
            int failures = Math.min(s.failures() + 1, ejectAfter);
            next = failures >= ejectAfter ? new State(failures, true, now + cooldownNanos) : new State(failures, false, 0);
        } while (!state.compareAndSet(s, next));
    }

    int failures() {
        return state.get().failures();
    }
}
