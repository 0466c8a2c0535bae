package dev.fairway.server;

import dev.fairway.error.GatewayError;
import dev.fairway.pipeline.Decision;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;

/** Writes the gateway's own answers. */
final class Responses {
    private Responses() {}

    static void answer(HttpServerResponse response, Decision.Answer answer) {
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(answer.status());
        answer.headers().forEach((n, v) -> response.headers().add(n, v));
        response.end(Buffer.buffer(answer.body()));
    }

    static void error(HttpServerResponse response, GatewayError error) {
        answer(response, Decision.Answer.loggedError(error));
    }

    /**
     * An error for a request whose body may be left unread (413, 408, broken framing). On HTTP/1.x
     * the connection then cannot carry another request and is closed after the answer; on HTTP/2
     * only the stream ends (a {@code connection} header is not allowed there).
     */
    static void error(HttpServerRequest request, GatewayError error) {
        HttpServerResponse response = request.response();
        boolean bodyLeftUnread = error.status() == 413 || error.status() == 408 || error.status() == 400 && !request.isEnded();
        if (!bodyLeftUnread || request.version() == HttpVersion.HTTP_2) {
            error(response, error);
            return;
        }
        if (response.ended() || response.closed()) {
            return;
        }
        Decision.Answer a = Decision.Answer.loggedError(error);
        a.headers().set("connection", "close");
        response.setStatusCode(a.status());
        a.headers().forEach((n, v) -> response.headers().add(n, v));
        response.end(Buffer.buffer(a.body())).onComplete(v -> request.connection().close());
    }
}
