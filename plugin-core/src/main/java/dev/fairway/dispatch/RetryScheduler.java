package dev.fairway.dispatch;

/**
 * Runs a retry after its wait. The default uses the event loop's timers; tests pass one that records
 * the waits and runs at once, so retry timing is checked exactly and without sleeping.
 */
@FunctionalInterface
public interface RetryScheduler {
    void schedule(long waitMs, Runnable retry);
}
