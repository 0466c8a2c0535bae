package dev.fairway.balance;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What this process knows of one member across requests: its passive health, the attempts in
 * flight to it and an exponentially weighted average of its time to first byte. Lock-free.
 */
final class MemberStats {
    /** Weight of the newest sample in the latency average: recent enough to follow a slowing member within a few requests. */
    static final double ALPHA = 0.3;

    final MemberHealth health = new MemberHealth();
    private final AtomicInteger outstanding = new AtomicInteger();
    /** The average in nanos as double bits; 0 until the first sample, so a new member is tried soon. */
    private final AtomicLong ewmaBits = new AtomicLong(Double.doubleToRawLongBits(0));

    int outstanding() {
        return outstanding.get();
    }

    void started() {
        outstanding.incrementAndGet();
    }

    void ended() {
        outstanding.updateAndGet(n -> Math.max(0, n - 1));
    }

    double latencyNanos() {
        return Double.longBitsToDouble(ewmaBits.get());
    }

    void sample(long nanos) {
        ewmaBits.updateAndGet(bits -> {
            double old = Double.longBitsToDouble(bits);
            return Double.doubleToRawLongBits(old == 0 ? nanos : old + ALPHA * (nanos - old));
        });
    }
}
