package dev.fairway.pipeline;

import dev.fairway.http.Headers;
import java.nio.ByteBuffer;
import java.util.List;

/** Several steps watch one attempt's raw answer: requests adjusted in step order, the first hiding filter applies. */
record UpstreamFanOut(List<UpstreamObserver> observers) implements UpstreamObserver {
    UpstreamFanOut {
        observers = List.copyOf(observers);
    }

    /** One observer over {@code observers}: none, the only one, or a fan-out. */
    static UpstreamObserver of(List<UpstreamObserver> observers) {
        return switch (observers.size()) {
            case 0 -> UpstreamObserver.NONE;
            case 1 -> observers.get(0);
            default -> new UpstreamFanOut(observers);
        };
    }

    @Override
    public UpstreamRequest request(UpstreamRequest planned) {
        UpstreamRequest r = planned;
        for (UpstreamObserver o : observers) {
            r = o.request(r);
        }
        return r;
    }

    @Override
    public UpstreamRequest headersOnly(UpstreamRequest planned) {
        UpstreamRequest r = planned;
        for (UpstreamObserver o : observers) {
            r = o.headersOnly(r);
        }
        return r;
    }

    @Override
    public ResponseFilter hiding() {
        for (UpstreamObserver o : observers) {
            ResponseFilter f = o.hiding();
            if (f != null) {
                return f;
            }
        }
        return null;
    }

    @Override
    public void onHeaders(int status, Headers headers) {
        observers.forEach(o -> o.onHeaders(status, headers));
    }

    @Override
    public void onChunk(ByteBuffer chunk) {
        for (UpstreamObserver o : observers) {
            o.onChunk(chunk.asReadOnlyBuffer());
        }
    }

    @Override
    public void onAttemptEnd(int status, String errorType, String next) {
        for (UpstreamObserver o : observers) {
            o.onAttemptEnd(status, errorType, next);
        }
    }

    @Override
    public void onEnd(boolean clean) {
        observers.forEach(o -> o.onEnd(clean));
    }
}
