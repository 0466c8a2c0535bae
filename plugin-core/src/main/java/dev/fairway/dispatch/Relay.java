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
import dev.fairway.pipeline.UpstreamRequest;
import dev.fairway.pipeline.Usage;
import dev.fairway.plan.DispatchPlan;
import dev.fairway.plan.PlannedTarget;
import dev.fairway.retry.RetryAfter;
import dev.fairway.retry.RetryDecision;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.Context;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One exchange's way upstream and back: attempts in plan order (retries of a target, then the next
 * target), each bounded by its first-byte timeout; then the relay of the one answer that is kept,
 * chunk by chunk. Failures are retried only while the client has not received a byte. All callbacks
 * run on the client connection's event loop.
 */
final class Relay {
    private static final Logger LOG = LoggerFactory.getLogger(Relay.class);

    private final Dispatcher dispatcher;
    private final Exchange exchange;
    private final HttpServerResponse response;
    private final DispatchPlan plan;
    private ResponseObserver observer;
    private ResponseFilter filter;
    private int index;
    private int attempt;
    private int attempts;
    private PlannedTarget current;
    private Metering.Meter meter = Metering.Meter.NONE;
    private HttpClientRequest upstream;
    private long timer = -1;
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
        this.plan = exchange.plan();
    }

    void start() {
        response.closeHandler(v -> clientGone());
        if (!plan.skipped().isEmpty()) {
            LOG.info("request {}: targets left out: {}", exchange.logId(), plan.skipped());
        }
        tryFrom(0);
    }

    /** Picks the first target from {@code start} whose circuit lets a request through; the last is tried regardless. */
    private void tryFrom(int start) {
        for (int i = start; i < plan.targets().size(); i++) {
            PlannedTarget t = plan.targets().get(i);
            boolean last = i == plan.targets().size() - 1;
            if (dispatcher.breakers().tryAcquire(t.breakerKey(), plan.breaker()) || last) {
                index = i;
                attempt = 1;
                launch(t);
                return;
            }
            LOG.debug("request {}: step {} skipped, its circuit is open", exchange.logId(), t.step());
        }
    }

    private void launch(PlannedTarget target) {
        if (finished) {
            return;
        }
        current = target;
        attempts++;
        UpstreamRequest planned;
        try {
            planned = exchange.upstreamRequest(target);
        } catch (GatewayError e) {
            // A fallback's body is translated when it is tried: a request it cannot express ends here.
            answerError(e);
            return;
        }
        meter = dispatcher.metering().open(exchange, new Metering.Attempt(target.target().provider(), target.model(), target.stream(), planned));
        dispatcher.authorize(target, dispatcher.sign(target, meter.request(planned))).onComplete(ar -> {
            if (finished || current != target) {
                return;
            }
            if (ar.failed()) {
                if (ar.cause() instanceof GatewayError e && e.status() < 500) {
                    answerError(e);
                } else {
                    failedBeforeHead(ar.cause() instanceof GatewayError e ? e
                            : GatewayError.of(ErrorType.UPSTREAM_UNAVAILABLE, "the provider credential could not be prepared"), -1);
                }
                return;
            }
            send(target, ar.result());
        });
    }

    private void send(PlannedTarget target, UpstreamRequest req) {
        int timeoutMs = target.timeoutMs() != null ? target.timeoutMs()
                : exchange.cfAig().requestTimeoutMs() != null ? exchange.cfAig().requestTimeoutMs() : exchange.route().requestTimeoutMs();
        // Cloudflare: "On the final retry attempt, your gateway will wait until the request completes,
        // regardless of how long it takes." A lone attempt keeps its timeout (an error when exceeded).
        timer = attempts > 1 && lastChance(target) ? -1 : dispatcher.vertx().setTimer(timeoutMs, id -> {
            timer = -1;
            if (!headersSent && current == target) {
                HttpClientRequest stale = upstream;
                upstream = null;
                failedBeforeHead(GatewayError.of(ErrorType.UPSTREAM_TIMEOUT, "the provider sent no response within %d ms", timeoutMs)
                        .with("timeout_ms", timeoutMs), -1);
                if (stale != null) {
                    stale.reset();
                }
            }
        });
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.valueOf(req.method())).setAbsoluteURI(req.uri().toString());
        req.headers().forEach(options::addHeader);
        dispatcher.client().forUri(req.uri()).request(options).onComplete(ar -> {
            if (finished || current != target) {
                if (ar.succeeded()) {
                    ar.result().reset();
                }
                return;
            }
            if (ar.failed()) {
                failedBeforeHead(unreachable(ar.cause()), -1);
                return;
            }
            HttpClientRequest sent = ar.result();
            upstream = sent;
            sent.send(Buffer.buffer(req.body())).onComplete(r -> {
                if (upstream != sent || finished) {
                    if (r.succeeded()) {
                        r.result().request().reset();
                    }
                    return;
                }
                if (r.failed()) {
                    failedBeforeHead(unreachable(r.cause()), -1);
                } else {
                    onHead(r.result());
                }
            });
        });
    }

    /** A connection failure, a timeout or a retried status: try again, move on, or answer the error. */
    private void failedBeforeHead(GatewayError error, long retryAfterMs) {
        cancelTimer();
        upstream = null;
        dispatcher.breakers().onFailure(current.breakerKey(), plan.breaker());
        if (nextAttempt(current.retry().afterFailure(attempt, retryAfterMs), true)) {
            return;
        }
        answerError(error);
    }

    /**
     * Schedules what comes after a failed attempt; false when nothing does.
     *
     * @param fallbackApplies whether this failure moves on to the next target when retries are spent
     */
    private boolean nextAttempt(RetryDecision decision, boolean fallbackApplies) {
        PlannedTarget target = current;
        if (!budgetLeft()) {
            LOG.debug("request {}: {} upstream attempts made, retry.max_total_attempts reached", exchange.logId(), attempts);
            return false;
        }
        if (decision.retry()) {
            attempt++;
            dispatcher.scheduler().schedule(decision.waitMs(), () -> launch(target));
            return true;
        }
        if (fallbackApplies && index + 1 < plan.targets().size()) {
            LOG.debug("request {}: step {} failed ({}), falling back", exchange.logId(), target.step(), decision.reason());
            int next = index + 1;
            dispatcher.scheduler().schedule(0, () -> {
                if (!finished) {
                    tryFrom(next);
                }
            });
            return true;
        }
        return false;
    }

    private void onHead(HttpClientResponse up) {
        cancelTimer();
        int code = up.statusCode();
        boolean retriable = current.retry().retriesStatus(code);
        boolean fallsBack = plan.fallsBackOn(current.step(), code);
        if (retriable || fallsBack) {
            if (code >= 500 || code == 429) {
                // A client's own error (a bad step key, a 400) says nothing about the target's health:
                // counting it would let one client open the circuit for everyone.
                dispatcher.breakers().onFailure(current.breakerKey(), plan.breaker());
            }
            long retryAfter = RetryAfter.millis(up.getHeader("retry-after"), Instant.now());
            RetryDecision decision = retriable ? current.retry().afterFailure(attempt, retryAfter)
                    : new RetryDecision(false, 0, "status " + code);
            if (hasSomethingNext(decision, fallsBack)) {
                upstream = null;
                discard(up, () -> nextAttempt(decision, fallsBack));
                return;
            }
        } else if (code < 500) {
            dispatcher.breakers().onSuccess(current.breakerKey(), plan.breaker());
        }
        relay(up);
    }

    private boolean hasSomethingNext(RetryDecision decision, boolean fallsBack) {
        return budgetLeft() && (decision.retry() || fallsBack && index + 1 < plan.targets().size());
    }

    /** Whether the request may make another upstream attempt: one Universal request cannot fan out without bound. */
    private boolean budgetLeft() {
        return attempts < exchange.route().retry().maxTotalAttempts();
    }

    /** Whether nothing can follow an attempt of {@code target} now starting: its last retry on the last target, or the budget spent. */
    private boolean lastChance(PlannedTarget target) {
        return !budgetLeft() || index == plan.targets().size() - 1 && attempt >= target.retry().maxAttempts();
    }

    /** Reads and drops a response we will not relay, so its connection can serve the next request. */
    private static void discard(HttpClientResponse up, Runnable then) {
        boolean[] done = new boolean[1];
        Runnable once = () -> {
            if (!done[0]) {
                done[0] = true;
                then.run();
            }
        };
        up.handler(b -> { });
        up.exceptionHandler(t -> once.run());
        up.endHandler(v -> once.run());
    }

    private void relay(HttpClientResponse up) {
        ttfb = exchange.elapsedNanos();
        status = up.statusCode();
        Headers headers = new Headers();
        up.headers().forEach(e -> headers.add(e.getKey(), e.getValue()));
        meter.onHeaders(status, headers);
        ResponseTransform translated = Translation.transform(current, exchange, status, headers, meter.transform());
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
        boolean hold = exchange.holdsAnswerEnd();
        up.handler(chunk -> {
            if (finished) {
                return;
            }
            ByteBuffer raw = ((BufferInternal) chunk).getByteBuf().nioBuffer();
            meter.onChunk(raw.asReadOnlyBuffer());
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
                    response.write(held);
                }
                held = out;
            } else {
                send(out);
            }
            if (response.writeQueueFull()) {
                up.pause();
                response.drainHandler(v -> up.resume());
            }
        });
        up.exceptionHandler(this::cutMidStream);
        up.endHandler(v -> {
            if (finished) {
                return;
            }
            meter.onEnd(true);
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
                response.end();
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
    }

    private void send(Buffer out) {
        observe(out);
        response.write(out);
    }

    private void observe(Buffer out) {
        beforeHead();
        bytes += out.length();
        observer.onChunk(((BufferInternal) out).getByteBuf().nioBuffer());
    }

    /** Ends the answer with {@code last} once the exchange's held steps (its record) are durable. */
    private void endWhenRecorded(CompletableFuture<Void> recorded, Buffer last) {
        if (recorded.isDone()) {
            response.end(last);
            return;
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
        GatewayError refusal = cause instanceof GatewayError e ? e : null;
        if (refusal != null && !response.headWritten()) {
            meter.onEnd(false);
            observer.onEnd(false);
            headersSent = false;
            // The provider's head was never sent: the client gets the refusal's own.
            response.headers().clear();
            answerError(refusal);
            return;
        }
        finished = true;
        LOG.debug("request {}: upstream cut mid-answer: {}", exchange.logId(), cause.toString());
        meter.onEnd(false);
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
        cancelTimer();
        if (upstream != null) {
            upstream.reset();
        }
        meter.onEnd(false);
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
        AnswerHeaders.describe(current, response.headers()::set);
        bytes = body.length;
        endWhenRecorded(complete(false, error.type().wireName()), Buffer.buffer(body));
    }

    private CompletableFuture<Void> complete(boolean truncated, String errorType) {
        cancelTimer();
        Usage usage = meter.usage();
        return exchange.complete(new Completion(status, false, truncated, current == null ? 0 : current.step(), attempts, ttfb,
                exchange.elapsedNanos(), bytes, usage, meter.costUsd(usage), errorType));
    }

    private void cancelTimer() {
        if (timer >= 0) {
            dispatcher.vertx().cancelTimer(timer);
            timer = -1;
        }
    }

    private static Buffer buffer(ByteBuffer out) {
        byte[] copy = new byte[out.remaining()];
        out.get(copy);
        return Buffer.buffer(copy);
    }

    private static GatewayError unreachable(Throwable cause) {
        return Unreachable.error(cause);
    }
}
