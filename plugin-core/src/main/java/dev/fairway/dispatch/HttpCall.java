package dev.fairway.dispatch;

import static java.util.Objects.requireNonNull;

import dev.fairway.http.Headers;
import dev.fairway.pipeline.UpstreamRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.netty.buffer.Unpooled;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * The attempt itself: the prepared request, sent on the pooled client; the answer's head comes back
 * with its body paused. An attempt abandoned before its head drops its request.
 */
final class HttpCall implements UpstreamCall {
    private final Dispatcher dispatcher;

    HttpCall(Dispatcher dispatcher) {
        this.dispatcher = requireNonNull(dispatcher, "dispatcher");
    }

    @Override
    public Future<UpstreamHead> call(Attempt attempt) {
        Promise<UpstreamHead> head = Promise.promise();
        attempt.cancelled().onSuccess(v -> head.tryFail(Cancelled.INSTANCE));
        if (!head.future().isComplete()) {
            send(requireNonNull(attempt.request(), "request"), head);
        }
        return head.future();
    }

    private void send(UpstreamRequest req, Promise<UpstreamHead> head) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.valueOf(req.method())).setAbsoluteURI(req.uri().toString());
        req.headers().forEach(options::addHeader);
        dispatcher.client().forUri(req.uri()).request(options).onComplete(ar -> {
            if (ar.failed()) {
                head.tryFail(Unreachable.error(ar.cause()));
                return;
            }
            HttpClientRequest sent = ar.result();
            if (head.future().isComplete()) {
                sent.reset();
                return;
            }
            head.future().onFailure(t -> {
                if (t == Cancelled.INSTANCE) {
                    sent.reset();
                }
            });
            // The body wrapped, not copied (Buffer.buffer(byte[]) copies it): nothing writes to a
            // request's body once it is prepared, and each attempt wraps it anew.
            sent.send(BufferInternal.buffer(Unpooled.wrappedBuffer(req.body()))).onComplete(r -> {
                if (r.failed()) {
                    head.tryFail(Unreachable.error(r.cause()));
                    return;
                }
                HttpClientResponse response = r.result();
                // Paused until its taker has set its handlers: a retry or a relay may come a few callbacks later.
                response.pause();
                Headers headers = new Headers();
                response.headers().forEach(e -> headers.add(e.getKey(), e.getValue()));
                head.tryComplete(new UpstreamHead(response.statusCode(), headers, response, sent::reset));
            });
        });
    }
}
