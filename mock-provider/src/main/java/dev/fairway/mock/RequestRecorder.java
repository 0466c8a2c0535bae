package dev.fairway.mock;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Keeps every request in arrival order; requests arrive on event-loop threads, readers are tests. */
final class RequestRecorder {

    private final List<RecordedRequest> requests = new ArrayList<>();

    synchronized void record(RecordedRequest request) {
        requests.add(Objects.requireNonNull(request, "request"));
    }

    synchronized List<RecordedRequest> snapshot() {
        return List.copyOf(requests);
    }

    synchronized int count() {
        return requests.size();
    }

    synchronized void clear() {
        requests.clear();
    }
}
