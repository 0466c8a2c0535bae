package dev.fairway.server;

import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * The moment one answer is over, for every part of the server that needs it: the response ended,
 * or its connection failed first (Vert.x then calls the response's exception handler, not its end
 * handler). A response keeps one end handler and one exception handler, so the server sets them
 * here, once, and the listener guard and the body budget subscribe; each callback runs once.
 * Everything happens on the connection's event loop, so no lock is needed.
 */
final class AnswerEnd {
    private final List<Runnable> callbacks = new ArrayList<>(2);
    private boolean over;

    private AnswerEnd() {}

    static AnswerEnd of(HttpServerResponse response) {
        AnswerEnd end = new AnswerEnd();
        response.endHandler(v -> end.fire());
        response.exceptionHandler(t -> end.fire());
        return end;
    }

    /** Runs {@code callback} when the answer is over (at once if it already is). */
    void then(Runnable callback) {
        if (over) {
            callback.run();
        } else {
            callbacks.add(callback);
        }
    }

    private void fire() {
        if (over) {
            return;
        }
        over = true;
        callbacks.forEach(Runnable::run);
        callbacks.clear();
    }
}
