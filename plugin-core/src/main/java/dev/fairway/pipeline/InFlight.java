package dev.fairway.pipeline;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many exchanges a process has opened and not yet completed: requests being decided, forwarded
 * to the dispatcher, or streaming. A graceful stop waits for it to reach zero.
 *
 * <p>Counting is one atomic add per request; only the waiting side sleeps, and it polls rather than
 * making every completion signal a monitor (a stop is rare; completions are not).
 */
public final class InFlight {
    private static final long POLL_NANOS = Duration.ofMillis(20).toNanos();

    private final AtomicInteger open = new AtomicInteger();

    void enter() {
        open.incrementAndGet();
    }

    void leave() {
        open.decrementAndGet();
    }

    /** Exchanges open right now. */
    public int count() {
        return open.get();
    }

    /**
     * Waits until no exchange is open, at most {@code timeout}.
     *
     * @return true when none is open; false when some still were at the deadline
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (open.get() > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            Thread.sleep(Duration.ofNanos(Math.min(left, POLL_NANOS)));
        }
        return true;
    }
}
