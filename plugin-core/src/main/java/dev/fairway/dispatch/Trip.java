package dev.fairway.dispatch;

import dev.fairway.pipeline.UpstreamObserver;
import dev.fairway.plan.PlannedTarget;

/**
 * What one exchange's upstream attempts came to so far: how many were made and the target of the
 * latest, for the budget of the retry rule and for the exchange's record. Event-loop confined.
 */
final class Trip {
    private int made;
    private PlannedTarget current;
    private UpstreamObserver observer = UpstreamObserver.NONE;

    /** Counts an attempt of {@code target} now starting; its number among the request's attempts. */
    int start(PlannedTarget target) {
        current = target;
        return ++made;
    }

    /** The observer of the attempt now being prepared; told how it ended by {@link #ended}. */
    void observing(UpstreamObserver attempt) {
        this.observer = attempt;
    }

    /** Tells the latest attempt's observer what follows it (see {@link UpstreamObserver#onAttemptEnd}). */
    void ended(int status, String errorType, String next) {
        observer.onAttemptEnd(status, errorType, next);
    }

    int made() {
        return made;
    }

    /** The target of the latest attempt, or null before the first. */
    PlannedTarget current() {
        return current;
    }
}
