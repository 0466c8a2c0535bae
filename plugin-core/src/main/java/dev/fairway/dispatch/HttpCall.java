package dev.fairway.dispatch;

import static java.util.Objects.requireNonNull;

import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.http.Headers;
import dev.fairway.pipeline.UpstreamRequest;
import dev.fairway.plan.PlannedTarget;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.function.Function;

/**
 * The attempt itself: the target's request (prepared by the relay, signed, its credential
 * exchanged when the provider wants a token), sent on the pooled client; the answer's head comes
 * back with its body paused. An attempt abandoned before its head drops its request.
 */
final class HttpCall implements UpstreamCall {
    private final Dispatcher dispatcher;
    private final Function<PlannedTarget, UpstreamRequest> prepare;

    /** @param prepare the request for a target, as planned and adjusted by the relay's meter */
    HttpCall(Dispatcher dispatcher, Function<PlannedTarget, UpstreamRequest> prepare) {
        this.dispatcher = requireNonNull(dispatcher, "dispatcher");
        this.prepare = requireNonNull(prepare, "prepare");
    }

    @Override
    public Future<UpstreamHead> call(Attempt attempt) {
        PlannedTarget target = attempt.target();
        Promise<UpstreamHead> head = Promise.promise();
        attempt.cancelled().onSuccess(v -> head.tryFail(Cancelled.INSTANCE));
        dispatcher.authorize(target, dispatcher.sign(target, prepare.apply(target))).onComplete(ar -> {
            if (head.future().isComplete()) {
                return;
            }
            if (ar.failed()) {
                head.tryFail(ar.cause() instanceof GatewayError e ? e
                        : GatewayError.of(ErrorType.UPSTREAM_UNAVAILABLE, "the provider credential could not be prepared"));
                return;
            }
            send(ar.result(), head);
        });
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
            sent.send(Buffer.buffer(req.body())).onComplete(r -> {
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
