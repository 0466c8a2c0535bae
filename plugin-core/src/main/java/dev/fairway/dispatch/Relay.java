package dev.fairway.dispatch;

import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.http.Headers;
import dev.fairway.http.HopByHop;
import dev.fairway.pipeline.AnswerHeaders;
import dev.fairway.pipeline.Completion;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.ResponseFilter;
import dev.fairway.pipeline.ResponseObserver;
import dev.fairway.pipeline.UpstreamObserver;
import dev.fairway.pipeline.UpstreamRequest;
import dev.fairway.plan.PlannedTarget;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.streams.ReadStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One exchange's answer: the upstream call (see {@link UpstreamCalls}: fallback, retries, circuits,
 * timeouts) yields the one answer that is kept, and this relays it to the client chunk by chunk,
 * through the exchange's transforms and filters, or answers the call's error. All callbacks run on
 * the client connection's event loop.
 */
final class Relay {
    private static final Logger LOG = LoggerFactory.getLogger(Relay.class);

    private final Dispatcher dispatcher;
    private final Exchange exchange;
    private final HttpServerResponse response;
    private final Trip trip = new Trip();
    private final Promise<Void> clientLeft = Promise.promise();
    private ResponseObserver observer;
    private ResponseFilter filter;
    private UpstreamObserver upstreamObserver = UpstreamObserver.NONE;
    private UpstreamHead upstream;
    private CoalescingWriter writer;
    private Buffer held;
    private boolean headersSent;
    private boolean finished;
    private long ttfb = -1;
    private long bytes;
    private int status;

    Relay(Dispatcher dispatcher, Exchange exchange, HttpServerResponse response) {
        this.dispatcher = dispatcher;
        this.exchange = exchange;
        this.response = response;
    }

    void start() {
        response.closeHandler(v -> clientGone());
        if (!exchange.plan().skipped().isEmpty()) {
            LOG.info("request {}: targets left out: {}", exchange.logId(), exchange.plan().skipped());
        }
        UpstreamCalls.forExchange(dispatcher, exchange, trip, this::prepare)
                .call(Attempt.first(exchange.plan().first(), clientLeft.future()))
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        relay(ar.result());
                    } else if (ar.cause() != Cancelled.INSTANCE) {
                        answerError(Results.error(ar.cause()));
                    }
                });
    }

    /** The request of one attempt as its upstream observer (the meter) wants it sent; the latest attempt's observer is the answer's. */
    private UpstreamRequest prepare(PlannedTarget target) {
        UpstreamRequest planned = exchange.upstreamRequest(target);
        upstreamObserver = exchange.upstreamObserver(target, planned);
        trip.observing(upstreamObserver);
        return upstreamObserver.request(planned);
    }

    private void relay(UpstreamHead head) {
        if (finished) {
            head.reset().run();
            return;
        }
        upstream = head;
        PlannedTarget current = trip.current();
        ReadStream<Buffer> up = head.body();
        ttfb = exchange.elapsedNanos();
        status = head.status();
        Headers headers = head.headers();
        upstreamObserver.onHeaders(status, headers);
        ResponseTransform translated = Translation.transform(current, exchange, status, headers, Transforms.hiding(upstreamObserver.hiding()));
        String clientType = Translation.contentType(current, status, headers).orElse(headers.get("content-type"));
        filter = exchange.responseFilter(status, clientType == null ? "" : clientType);
        ResponseTransform transform = filter == null ? translated : Transforms.filtered(translated, filter);
        observer = exchange.observer();
        observer.onHeaders(status, headers);
        response.setStatusCode(status);
        for (int i = 0; i < headers.size(); i++) {
            if (!HopByHop.is(headers.name(i))) {
                response.headers().add(headers.name(i), headers.value(i));
            }
        }
        Translation.contentType(current, status, headers).ifPresent(ct -> response.headers().set("content-type", ct));
        exchange.responseHeaders().forEach((n, v) -> response.headers().add(n, v));
        AnswerHeaders.describe(current, response.headers()::set);
        String length = headers.get("content-length");
        if (length != null && transform == ResponseTransform.IDENTITY) {
            response.putHeader("content-length", length);
        } else {
            response.setChunked(true);
        }
        headersSent = true;
        Context context = Vertx.currentContext();
        writer = new CoalescingWriter(response, context != null ? context : dispatcher.vertx().getOrCreateContext(), up);
        boolean hold = exchange.holdsAnswerEnd();
        up.handler(chunk -> {
            if (finished) {
                return;
            }
            ByteBuffer raw = ((BufferInternal) chunk).getByteBuf().nioBuffer();
            upstreamObserver.onChunk(raw.asReadOnlyBuffer());
            Buffer out = chunk;
            if (transform != ResponseTransform.IDENTITY) {
                try {
                    out = buffer(transform.apply(raw));
                } catch (RuntimeException e) {
                    cutMidStream(e);
                    return;
                }
                if (out.length() == 0) {
                    return;
                }
            }
            if (hold) {
                // The last bytes wait for the record: keep one chunk back until the next one arrives.
                observe(out);
                if (held != null) {
                    writer.write(held);
                }
                held = out;
            } else {
                send(out);
            }
        });
        up.exceptionHandler(this::cutMidStream);
        up.endHandler(v -> {
            if (finished) {
                return;
            }
            upstreamObserver.onEnd(true);
            Buffer tail;
            try {
                tail = buffer(transform.finish());
            } catch (RuntimeException e) {
                cutMidStream(e);
                return;
            }
            finished = true;
            if (!hold) {
                if (tail.length() > 0) {
                    send(tail);
                }
                observer.onEnd(true);
                beforeHead();
                writer.end(Buffer.buffer());
                complete(false, null);
                return;
            }
            Buffer last = held == null ? Buffer.buffer() : held;
            held = null;
            if (tail.length() > 0) {
                observe(tail);
                last.appendBuffer(tail);
            }
            observer.onEnd(true);
            beforeHead();
            endWhenRecorded(complete(false, null), last);
        });
        up.resume();
    }

    private void send(Buffer out) {
        observe(out);
        writer.write(out);
    }

    private void observe(Buffer out) {
        beforeHead();
        bytes += out.length();
        observer.onChunk(((BufferInternal) out).getByteBuf().nioBuffer());
    }

    /** Ends the answer with {@code last} once the exchange's held steps (its record) are durable. */
    private void endWhenRecorded(CompletableFuture<Void> recorded, Buffer last) {
        if (recorded.isDone()) {
            if (writer != null) {
                writer.end(last);
            } else {
                response.end(last);
            }
            return;
        }
        if (writer != null) {
            writer.flush();
        }
        Context context = dispatcher.vertx().getOrCreateContext();
        recorded.whenComplete((v, t) -> context.runOnContext(x -> {
            if (!response.closed() && !response.ended()) {
                response.end(last);
            }
        }));
    }

    /** A filter's last word on the head (a guardrail's cf-aig-dlp), while it can still be said. */
    private void beforeHead() {
        if (filter != null && !response.headWritten()) {
            filter.beforeHead(response.headers()::set);
        }
    }

    /**
     * The upstream failed, or a transform or filter refused the answer, part-way: nothing can be
     * retried. A refusal before the client got a byte is answered as the error it is.
     */
    private void cutMidStream(Throwable cause) {
        if (finished) {
            return;
        }
        // What the client was given so far goes out first: whether it got a byte decides the answer below.
        writer.flush();
        GatewayError refusal = cause instanceof GatewayError e ? e : null;
        if (refusal != null && !response.headWritten()) {
            upstreamObserver.onEnd(false);
            observer.onEnd(false);
            headersSent = false;
            // The provider's head was never sent: the client gets the refusal's own.
            response.headers().clear();
            answerError(refusal);
            return;
        }
        finished = true;
        LOG.debug("request {}: upstream cut mid-answer: {}", exchange.logId(), cause.toString());
        upstreamObserver.onEnd(false);
        observer.onEnd(false);
        String contentType = response.headers().get("content-type");
        if (held != null && contentType != null && contentType.startsWith("text/event-stream")) {
            response.write(held);
            held = null;
        }
        if (contentType != null && contentType.startsWith("text/event-stream")) {
            // An SSE client needs an explicit error event: a clean end would pass for a full answer.
            GatewayError e = refusal != null ? refusal
                    : GatewayError.of(ErrorType.UPSTREAM_UNAVAILABLE, "the provider's stream ended before the answer was complete");
            response.end(Buffer.buffer("event: error\ndata: ").appendBytes(e.toJson(exchange.route().errors())).appendString("\n\n"));
        } else {
            response.reset();
        }
        complete(true, (refusal != null ? refusal.type() : ErrorType.UPSTREAM_UNAVAILABLE).wireName());
    }

    private void clientGone() {
        if (finished) {
            return;
        }
        finished = true;
        // An attempt in flight is dropped by its call; an answer being relayed, here.
        clientLeft.tryComplete();
        if (writer != null) {
            writer.discard();
        }
        if (upstream != null) {
            upstream.reset().run();
        }
        upstreamObserver.onEnd(false);
        if (observer != null) {
            observer.onEnd(false);
        }
        status = headersSent ? status : 499;
        complete(headersSent, "client_closed");
    }

    private void answerError(GatewayError error) {
        if (finished || headersSent) {
            return;
        }
        finished = true;
        status = error.status();
        byte[] body = error.toJson(exchange.route().errors());
        response.setStatusCode(status).putHeader("content-type", "application/json");
        exchange.responseHeaders().forEach((n, v) -> response.headers().add(n, v));
        if (trip.current() != null) {
            // Without an attempt (every pool member over its rate limit) the planned first target's description stands.
            AnswerHeaders.describe(trip.current(), response.headers()::set);
        }
        bytes = body.length;
        endWhenRecorded(complete(false, error.type().wireName()), Buffer.buffer(body));
    }

    private CompletableFuture<Void> complete(boolean truncated, String errorType) {
        // Usage and cost: the exchange adds what its metering step read (Exchange#metered).
        PlannedTarget current = trip.current();
        return exchange.complete(Completion.relayed(status, truncated, current == null ? 0 : current.step(), trip.made(), ttfb,
                exchange.elapsedNanos(), bytes, errorType));
    }

    /** The transform's output, copied once (Buffer.buffer(byte[]) would copy a second time): the transform may reuse its array. */
    private static Buffer buffer(ByteBuffer out) {
        return Buffer.buffer(out.remaining()).setBytes(0, out);
    }
}
