package dev.fairway.dispatch;

import dev.fairway.plan.PlannedTarget;

/**
 * What one exchange's upstream attempts came to so far: how many were made and the target of the
 * latest, for the budget of the retry rule and for the exchange's record. Event-loop confined.
 */
final class Trip {
    private int made;
    private PlannedTarget current;

    /** Counts an attempt of {@code target} now starting; its number among the request's attempts. */
    int start(PlannedTarget target) {
        current = target;
        return ++made;
    }

    int made() {
        return made;
    }

    /** The target of the latest attempt, or null before the first. */
    PlannedTarget current() {
        return current;
    }
}
