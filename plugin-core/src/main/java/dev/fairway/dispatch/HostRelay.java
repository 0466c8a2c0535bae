package dev.fairway.dispatch;

import static java.util.Objects.requireNonNull;

import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.http.Headers;
import dev.fairway.pipeline.Completion;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.ResponseObserver;
import dev.fairway.pipeline.UpstreamObserver;
import dev.fairway.pipeline.UpstreamRequest;
import dev.fairway.plan.Member;
import dev.fairway.plan.MemberAdmission;
import dev.fairway.plan.PlannedTarget;
import dev.fairway.retry.CircuitBreaker;
import dev.fairway.retry.RetryRule;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * An exchange whose upstream call the host makes itself (Envoy's direct mode), seen through the
 * dispatcher's own relay rules: the exchange's upstream observers (usage metering) that may adjust
 * the request and read the raw answer, the translation of a {@code /compat} answer for its OpenAI
 * client, the observers fed what the client gets, and one completion (its usage and cost come from
 * the metering step, as with the dispatcher). Only the plan's first target is ever called: the host
 * has no retries or fallback of ours. No dispatcher is needed.
 *
 * <p>The host calls {@link #head}, then {@link #chunk} per body piece in order, then {@link #end} or
 * {@link #cut}; calls after the end are ignored. Methods are synchronized: hosts call them from
 * serialized callbacks, but not necessarily one thread.
 */
public final class HostRelay {
    private final Exchange exchange;
    private final PlannedTarget target;
    private final UpstreamObserver upstreamObserver;
    private final UpstreamRequest request;
    private final boolean rewrites;
    private ResponseObserver observer;
    private ResponseTransform transform = ResponseTransform.IDENTITY;
    private String contentType;
    private int status;
    private long ttfb = -1;
    private long bytes;
    private boolean ended;
    /** The pool member sent to, or null outside pools. */
    private final Member member;
    /** The member's circuit, or null outside pools. */
    private final CircuitBreaker circuit;
    private final long started;
    private boolean reported;

    /** What the client's response head becomes. */
    public record Head(Headers set, List<String> remove, boolean rewritesBody) {}

    private HostRelay(Exchange exchange, PlannedTarget target, CircuitBreaker circuit, boolean rewrites) {
        this.exchange = requireNonNull(exchange, "exchange");
        this.target = requireNonNull(target, "target");
        this.rewrites = rewrites;
        this.member = target.member();
        this.circuit = circuit;
        this.started = exchange.elapsedNanos();
        if (member != null) {
            exchange.facts().member(member.name());
            member.started();
        }
        UpstreamRequest planned = exchange.upstreamRequest(target);
        this.upstreamObserver = exchange.upstreamObserver(target, planned);
        // A request change may come with a body filter (it hides what it asked for): a host that
        // cannot rewrite the body sends the request as planned, with only the header-only changes
        // (the attempt's trace context, so the provider's parent is still Fairway's attempt span).
        this.request = rewrites ? upstreamObserver.request(planned) : upstreamObserver.headersOnly(planned);
    }

    /**
     * Opens the relay of {@code exchange}'s answer.
     *
     * @param rewritesBody whether the host can replace the answer's body on its way to the client
     *     (Envoy: a response body mode that sends the body); without it an answer that must be
     *     translated is refused by {@link #translates} callers first
     */
    public static HostRelay open(Exchange exchange, boolean rewritesBody) {
        return new HostRelay(exchange, exchange.plan().first(), null, rewritesBody);
    }

    /** As {@link #open(Exchange, boolean)}, to the target {@link MemberAdmission} admitted; its circuit learns how the attempt went. */
    public static HostRelay open(Exchange exchange, MemberAdmission.Admitted admitted, boolean rewritesBody) {
        return new HostRelay(exchange, admitted.target(), admitted.circuit(), rewritesBody);
    }

    /**
     * The host will not send the request after all (it refused it, and completes the exchange with
     * that refusal): a pool member's attempt ends without counting for or against it.
     */
    public synchronized void release() {
        report(RetryRule.Health.IGNORE, 0);
    }

    /** Whether the client's answer is translated from the provider's (a {@code /compat} request to a non-OpenAI provider). */
    public static boolean translates(Exchange exchange) {
        return Translation.translates(exchange.plan().first());
    }

    public Exchange exchange() {
        return exchange;
    }

    /** The request to send upstream; the metering step may have asked the provider to report usage. */
    public UpstreamRequest request() {
        return request;
    }

    public synchronized boolean sawHead() {
        return ttfb >= 0;
    }

    /** The provider's status and headers arrived: what the client's head becomes. */
    public synchronized Head head(int status, Headers upstream) {
        Headers set = Headers.copyOf(exchange.responseHeaders());
        if (ended) {
            return new Head(set, List.of(), false);
        }
        this.status = status;
        this.ttfb = exchange.elapsedNanos();
        // No retry rule here: a host sends once, so every 5xx counts against a member (and a 429, in the member itself).
        report(status < 400 ? RetryRule.Health.SUCCESS : status >= 500 ? RetryRule.Health.FAILURE : RetryRule.Health.IGNORE, status);
        upstreamObserver.onHeaders(status, upstream);
        transform = rewrites ? Translation.transform(target, exchange, status, upstream, Transforms.hiding(upstreamObserver.hiding()))
                : ResponseTransform.IDENTITY;
        observer = exchange.observer();
        observer.onHeaders(status, upstream);
        Translation.contentType(target, status, upstream).ifPresent(ct -> set.set("content-type", ct));
        contentType = set.contains("content-type") ? set.get("content-type") : upstream.get("content-type");
        boolean rewritesBody = transform != ResponseTransform.IDENTITY;
        return new Head(set, rewritesBody ? List.of("content-length") : List.of(), rewritesBody);
    }

    /**
     * One piece of the provider's body: what the client gets for it (possibly empty, the very
     * buffer when nothing is rewritten). The chunk is only valid during the call.
     */
    public synchronized ByteBuffer chunk(ByteBuffer raw) {
        if (ended || observer == null) {
            return raw;
        }
        upstreamObserver.onChunk(raw.asReadOnlyBuffer());
        if (transform == ResponseTransform.IDENTITY) {
            deliver(raw.asReadOnlyBuffer());
            return raw;
        }
        try {
            ByteBuffer out = transform.apply(raw.asReadOnlyBuffer());
            deliver(out.asReadOnlyBuffer());
            return out;
        } catch (RuntimeException e) {
            return failed();
        }
    }

    /** The provider's answer ended cleanly: whatever a transform still held, then the completion. */
    public synchronized ByteBuffer end() {
        if (ended) {
            return ByteBuffer.allocate(0);
        }
        if (observer == null) {
            // No head: nothing reached the client through us.
            cut("stream_closed");
            return ByteBuffer.allocate(0);
        }
        upstreamObserver.onEnd(true);
        ByteBuffer tail;
        try {
            tail = transform.finish();
        } catch (RuntimeException e) {
            return failed();
        }
        ended = true;
        deliver(tail.asReadOnlyBuffer());
        observer.onEnd(true);
        complete(false, null);
        return tail;
    }

    /**
     * The answer stopped before its end: the client went away or the host gave up. One whose head
     * went out is truncated; one that never started is the client's 499.
     */
    public synchronized void cut(String errorType) {
        if (ended) {
            return;
        }
        ended = true;
        upstreamObserver.onEnd(false);
        if (observer != null) {
            observer.onEnd(false);
        } else {
            status = 499;
            // No head came: the member failed to answer, unless the client left first.
            report("client_closed".equals(errorType) ? RetryRule.Health.IGNORE : RetryRule.Health.FAILURE, 0);
        }
        complete(observer != null, errorType);
    }

    /** Ends the exchange without any answer from upstream (the host answered it itself, or timed out). */
    public synchronized void abandon(int status, String errorType) {
        if (ended) {
            return;
        }
        ended = true;
        report(RetryRule.Health.IGNORE, 0);
        exchange.complete(Completion.unsent(status, errorType, exchange.elapsedNanos()));
    }

    /**
     * Tells a pool member how its attempt went, once: its passive health, outstanding count and
     * latency learn from it, and its circuit (a 429 is the member's own limit, not a failure of its).
     */
    private void report(RetryRule.Health health, int upstreamStatus) {
        if (member != null && !reported) {
            reported = true;
            member.finished(health, upstreamStatus, exchange.elapsedNanos() - started);
            if (circuit != null) {
                circuit.record(health);
            }
        }
    }

    private void deliver(ByteBuffer out) {
        bytes += out.remaining();
        if (out.hasRemaining()) {
            observer.onChunk(out);
        }
    }

    /** A translation failed mid-answer: an SSE client gets an error event, a JSON one whatever was sent. */
    private ByteBuffer failed() {
        ended = true;
        upstreamObserver.onEnd(false);
        observer.onEnd(false);
        ByteBuffer out = ByteBuffer.allocate(0);
        if (contentType != null && contentType.startsWith("text/event-stream")) {
            GatewayError e = GatewayError.of(ErrorType.UPSTREAM_UNAVAILABLE, "the provider's answer could not be translated");
            java.io.ByteArrayOutputStream event = new java.io.ByteArrayOutputStream();
            event.writeBytes("event: error\ndata: ".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            event.writeBytes(e.toJson());
            event.writeBytes("\n\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out = ByteBuffer.wrap(event.toByteArray());
            bytes += out.remaining();
        }
        complete(true, ErrorType.UPSTREAM_UNAVAILABLE.wireName());
        return out;
    }

    /** Usage and cost: the exchange adds what its metering step read ({@link Exchange#metered()}). */
    private void complete(boolean truncated, String errorType) {
        exchange.complete(Completion.relayed(status, truncated, target.step(), 1, ttfb, exchange.elapsedNanos(), bytes, errorType));
    }
}
