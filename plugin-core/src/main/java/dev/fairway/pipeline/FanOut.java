package dev.fairway.pipeline;

import dev.fairway.http.Headers;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** One observer for the upstream answer that hands every event to each step's observer. */
record FanOut(List<ResponseObserver> observers) implements ResponseObserver {
    private static final ResponseObserver NONE = new ResponseObserver() {};

    /** The observer of {@code steps}: none, the one, or a fan-out; never null. */
    static ResponseObserver of(List<Step> steps) {
        List<ResponseObserver> observers = new ArrayList<>(steps.size());
        for (Step s : steps) {
            ResponseObserver o = s.observer();
            if (o != null) {
                observers.add(o);
            }
        }
        return switch (observers.size()) {
            case 0 -> NONE;
            case 1 -> observers.get(0);
            default -> new FanOut(List.copyOf(observers));
        };
    }

    @Override
    public void onHeaders(int status, Headers headers) {
        observers.forEach(o -> o.onHeaders(status, headers));
    }

    @Override
    public void onChunk(ByteBuffer chunk) {
        // Each observer reads its own view: one observer's reads must not move another's position.
        for (ResponseObserver o : observers) {
            o.onChunk(chunk.asReadOnlyBuffer());
        }
    }

    @Override
    public void onEnd(boolean clean) {
        observers.forEach(o -> o.onEnd(clean));
    }
}
