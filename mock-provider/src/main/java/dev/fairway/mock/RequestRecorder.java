package dev.fairway.mock;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;

/**
 * The requests the mock has served: every one is counted, the most recent {@link #KEPT} are kept.
 * A bound, because a benchmark or a long demo sends millions and a test looks at a handful.
 */
final class RequestRecorder {
    static final int KEPT = 10_000;

    private final ArrayDeque<RecordedRequest> requests = new ArrayDeque<>();
    private long count;

    synchronized void record(RecordedRequest request) {
        requests.addLast(Objects.requireNonNull(request, "request"));
        if (requests.size() > KEPT) {
            requests.removeFirst();
        }
        count++;
    }

    synchronized List<RecordedRequest> snapshot() {
        return List.copyOf(requests);
    }

    synchronized int count() {
        return (int) Math.min(count, Integer.MAX_VALUE);
    }

    synchronized void clear() {
        requests.clear();
        count = 0;
    }
}
