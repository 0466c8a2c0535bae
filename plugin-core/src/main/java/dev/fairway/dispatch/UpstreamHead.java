package dev.fairway.dispatch;

import static java.util.Objects.requireNonNull;

import dev.fairway.http.Headers;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * The head of an upstream answer; its body waits, paused, for whoever takes it (the relay, or a
 * retry that drops it).
 *
 * @param reset drops the upstream request (its connection, for HTTP/1.1) when the answer is abandoned part-way
 */
record UpstreamHead(int status, Headers headers, ReadStream<Buffer> body, Runnable reset) {
    UpstreamHead {
        requireNonNull(headers, "headers");
        requireNonNull(body, "body");
        requireNonNull(reset, "reset");
    }

    /** Reads and drops an answer that will not be relayed, so its connection can serve the next request. */
    void discard(Runnable then) {
        boolean[] done = new boolean[1];
        Runnable once = () -> {
            if (!done[0]) {
                done[0] = true;
                then.run();
            }
        };
        body.handler(b -> { });
        body.exceptionHandler(t -> once.run());
        body.endHandler(v -> once.run());
        body.resume();
    }
}
