package dev.fairway.logstore;

import static java.util.Objects.requireNonNull;

import java.util.function.LongSupplier;

/**
 * Whether the feeder keeps up ({@link #keepsUp}), and how long it pauses so that it uses at most
 * {@code percent} of one core: the spool is the durable path, so under a peak the store may lag and
 * catch up after instead of taking CPU from the requests. Only while the backlog is small: past
 * {@link #BACKLOG_LIMIT} unread spool bytes the feeder runs at full speed, so a lasting overload
 * makes the store lag, never the spool grow without bound; nothing is ever dropped either way.
 * (Where the feeder waits for idle CPU while it keeps up, it needs no pauses: see
 * {@link StoreFeeder}.)
 */
final class FeedBudget {
    /** Unread spool bytes beyond which the budget no longer applies. */
    static final long BACKLOG_LIMIT = (long) dev.fairway.config.LogStoreSettings.FEED_BACKLOG_MIB << 20;
    /** The longest single pause, so a feeder that stopped for a large batch resumes within a second. */
    static final long MAX_PAUSE_NANOS = 1_000_000_000L;

    private final int percent;
    private final long backlogLimit;
    private final LongSupplier cpuNanos;
    private final LongSupplier wallNanos;
    private long cpuMark;
    private long wallMark;

    /**
     * @param percent 1..100 of one core; 100 never pauses
     * @param backlogLimit unread spool bytes from which the feeder is behind ({@link #BACKLOG_LIMIT}; tests use less)
     * @param cpuNanos the feeder thread's CPU time
     * @param wallNanos a monotonic clock
     */
    FeedBudget(int percent, long backlogLimit, LongSupplier cpuNanos, LongSupplier wallNanos) {
        this.percent = checkPercent(percent);
        this.backlogLimit = backlogLimit;
        this.cpuNanos = requireNonNull(cpuNanos, "cpuNanos");
        this.wallNanos = requireNonNull(wallNanos, "wallNanos");
        mark();
    }

    /** {@code percent} when it is a share of one core (1..100). */
    static int checkPercent(int percent) {
        if (percent < 1 || percent > 100) {
            throw new IllegalArgumentException("feed CPU percent: " + percent + " (expected: 1..100)");
        }
        return percent;
    }

    /** A budget for the calling thread (the feeder's own), measured with its CPU time. */
    static FeedBudget ofCurrentThread(int percent, long backlogLimit) {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        if (percent == 100 || !threads.isCurrentThreadCpuTimeSupported()) {
            // Without a thread CPU clock there is nothing to budget by: full speed, as before the budget.
            return new FeedBudget(100, backlogLimit, () -> 0L, System::nanoTime);
        }
        return new FeedBudget(percent, backlogLimit, threads::getCurrentThreadCpuTime, System::nanoTime);
    }

    /** Whether a feeder with {@code backlogBytes} unread keeps up, and so gives way to the requests. */
    boolean keepsUp(long backlogBytes) {
        return backlogBytes < backlogLimit;
    }

    /**
     * The pause (nanoseconds) that brings the CPU used since the last call to {@code percent} of the
     * time passed, 0 when within it or when {@code backlogBytes} is past {@link #BACKLOG_LIMIT}.
     * Starts the next measurement, from after the pause.
     */
    long pauseNanos(long backlogBytes) {
        long cpu = cpuNanos.getAsLong() - cpuMark;
        long wall = wallNanos.getAsLong() - wallMark;
        long pause = 0;
        if (percent < 100 && keepsUp(backlogBytes)) {
            pause = Math.min(MAX_PAUSE_NANOS, Math.max(0, cpu * 100 / percent - wall));
        }
        cpuMark += cpu;
        wallMark += wall + pause;
        return pause;
    }

    /** Starts a measurement now: time spent idle (nothing to feed) is not credited to the next burst. */
    void mark() {
        cpuMark = cpuNanos.getAsLong();
        wallMark = wallNanos.getAsLong();
    }
}
