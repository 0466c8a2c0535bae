package dev.fairway.retry;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * The circuit of one target, without locks: its state is an immutable value swapped by
 * compare-and-set, so callers on any event loop never wait for each other.
 *
 * <p>Closed: failures are counted in a window of {@code window_seconds} (in tenths, so the count is
 * a fixed size whatever the threshold); {@code failure_threshold} of them with no success between
 * opens the circuit. Open: the target is skipped until the cool-down ends. Half-open: one request,
 * the trial, probes it; success closes the circuit, failure opens it for another cool-down, and an
 * answer that says nothing about the target's health (a client's 4xx, a client that left) frees the
 * trial for the next request. A trial that reports nothing within a cool-down is presumed lost and
 * another request may probe, so a lost report can never lock the circuit.
 *
 * <p>Every attempt that reaches the target reports exactly one of {@link #onSuccess},
 * {@link #onFailure} and {@link #onIgnore}.
 */
public final class CircuitBreaker {
    public enum Phase { CLOSED, OPEN, HALF_OPEN }

    private static final int BUCKETS = 10;
    private static final Closed HEALTHY = new Closed(0, new int[BUCKETS]);

    private sealed interface State permits Closed, Open, HalfOpen {}

    /** @param newest the index of the newest bucket ({@code now / bucketNanos}); counts[BUCKETS - 1] is that bucket */
    private record Closed(long newest, int[] counts) implements State {}

    private record Open(long until) implements State {}

    /** @param trialUntil when the trial out is presumed lost (reached at once when no trial is out) */
    private record HalfOpen(long trialUntil) implements State {}

    private final BreakerSettings settings;
    private final LongSupplier nanos;
    private final long bucketNanos;
    private final long cooldownNanos;
    private final AtomicReference<State> state = new AtomicReference<>(HEALTHY);

    public CircuitBreaker(BreakerSettings settings, LongSupplier nanos) {
        this.settings = requireNonNull(settings, "settings");
        this.nanos = requireNonNull(nanos, "nanos");
        this.bucketNanos = Math.max(1, settings.windowSeconds() * 1_000_000_000L / BUCKETS);
        this.cooldownNanos = settings.cooldownSeconds() * 1_000_000_000L;
    }

    public BreakerSettings settings() {
        return settings;
    }

    public Phase phase() {
        return switch (state.get()) {
            case Closed c -> Phase.CLOSED;
            case Open o -> Phase.OPEN;
            case HalfOpen h -> Phase.HALF_OPEN;
        };
    }

    /** Whether a request may go to the target now; once the cool-down ends, only the trial gets through. */
    public boolean tryAcquire() {
        if (!settings.enabled()) {
            return true;
        }
        while (true) {
            State s = state.get();
            if (s instanceof Closed) {
                return true;
            }
            long now = nanos.getAsLong();
            long until = s instanceof Open o ? o.until() : ((HalfOpen) s).trialUntil();
            if (now - until < 0) {
                return false;
            }
            if (state.compareAndSet(s, new HalfOpen(now + cooldownNanos))) {
                return true;
            }
        }
    }

    /** Tells the circuit what an attempt came to, as {@link RetryRule#health} judged it. */
    public void record(RetryRule.Health health) {
        switch (health) {
            case SUCCESS -> onSuccess();
            case FAILURE -> onFailure();
            case IGNORE -> onIgnore();
        }
    }

    /** The target answered well: the circuit closes and its failures are forgotten. */
    public void onSuccess() {
        if (settings.enabled()) {
            State s = state.get();
            if (s != HEALTHY) {
                state.compareAndSet(s, HEALTHY);
            }
        }
    }

    /** The target failed: one more failure in the window, or, for a trial, another cool-down. */
    public void onFailure() {
        if (!settings.enabled()) {
            return;
        }
        while (true) {
            State s = state.get();
            long now = nanos.getAsLong();
            State next = switch (s) {
                case Closed c -> counted(c, now);
                case HalfOpen h -> new Open(now + cooldownNanos);
                case Open o -> o;
            };
            if (next == s || state.compareAndSet(s, next)) {
                return;
            }
        }
    }

    /** The answer said nothing about the target: a trial out is freed for the next request. */
    public void onIgnore() {
        if (!settings.enabled()) {
            return;
        }
        State s = state.get();
        if (s instanceof HalfOpen) {
            state.compareAndSet(s, new HalfOpen(nanos.getAsLong()));
        }
    }

    private State counted(Closed c, long now) {
        // Another thread's older clock reading must not move the window back.
        long bucket = c == HEALTHY ? Math.floorDiv(now, bucketNanos) : Math.max(c.newest(), Math.floorDiv(now, bucketNanos));
        int[] counts = shifted(c, bucket);
        counts[BUCKETS - 1]++;
        return Arrays.stream(counts).sum() >= settings.failureThreshold() ? new Open(now + cooldownNanos) : new Closed(bucket, counts);
    }

    /** A copy of the window's counts whose newest bucket is {@code bucket}; buckets that slid out are gone. */
    private static int[] shifted(Closed c, long bucket) {
        int[] counts = new int[BUCKETS];
        long shift = c == HEALTHY ? BUCKETS : bucket - c.newest();
        if (shift < BUCKETS) {
            System.arraycopy(c.counts(), (int) shift, counts, 0, BUCKETS - (int) shift);
        }
        return counts;
    }
}
