package dev.fairway.host;

import static java.util.Objects.requireNonNull;

import dev.fairway.config.RouteConfig;
import dev.fairway.dispatch.Dispatcher;
import dev.fairway.error.GatewayError;
import dev.fairway.http.Headers;
import dev.fairway.pipeline.Completion;
import dev.fairway.pipeline.Decision;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.Gateway;
import dev.fairway.pipeline.GatewayRequest;
import dev.fairway.realtime.RealtimeRequest;
import java.util.concurrent.CompletableFuture;

/**
 * The one way a host (Kong, APISIX, Envoy) gets a request decided: the core decides within the
 * host's deadline, and the host is told what to do, as a {@link HostResult}: send an answer, forward
 * to the dispatcher with a ticket, or proxy upstream itself. What every host needs around the
 * decision lives here once: the deadline (also bounding waits inside the decision), the answer when
 * it passes, the error answers with a log id, and the end of a forward nobody will send (decided
 * after the host gave up, or refused), so that its steps settle (quota holds, single-flight, logs).
 * Adapters only map results onto their protocols.
 */
public final class HostBridge {
    private final Gateway gateway;
    private final Dispatcher dispatcher;
    private final CompletableFuture<?> dispatcherReady;
    private final boolean passOnDeadline;

    public HostBridge(Gateway gateway, Dispatcher dispatcher) {
        this(gateway, dispatcher, null, false);
    }

    private HostBridge(Gateway gateway, Dispatcher dispatcher, CompletableFuture<?> dispatcherReady, boolean passOnDeadline) {
        this.gateway = requireNonNull(gateway, "gateway");
        this.dispatcher = requireNonNull(dispatcher, "dispatcher");
        this.dispatcherReady = dispatcherReady;
        this.passOnDeadline = passOnDeadline;
    }

    /**
     * This bridge, handing out tickets only once {@code ready} completes (the dispatcher endpoint
     * listens): right after a host reload the process being replaced may still hold the port, and
     * a ticket brought to it would be refused. A forward still waiting at the deadline is answered
     * 503; null means always ready.
     */
    public HostBridge awaitingDispatcher(CompletableFuture<?> ready) {
        return new HostBridge(gateway, dispatcher, ready, passOnDeadline);
    }

    /**
     * This bridge for a host that lets the request pass on its own route when the deadline passes
     * (Envoy's {@code on_timeout: continue}): the deadline's answer is still given, for the host to
     * ignore, and a forward decided later is recorded with status 0 (the host's answer, unseen).
     */
    public HostBridge passingOnDeadline() {
        return new HostBridge(gateway, dispatcher, dispatcherReady, true);
    }

    public Gateway gateway() {
        return gateway;
    }

    public Dispatcher dispatcher() {
        return dispatcher;
    }

    /** {@link #handle(GatewayRequest, RouteConfig, long, Via)} for a host that forwards by ticket. */
    public HostCall handle(GatewayRequest request, RouteConfig route, long deadlineMillis) {
        return handle(request, route, deadlineMillis, Via.TICKET);
    }

    /**
     * Starts deciding {@code request} on {@code route}. The call's result completes when the core has
     * decided, or once the host calls {@link HostCall#expire()} at the deadline ({@link HostCall#await()}
     * does it for a blocking host).
     *
     * @param deadlineMillis how long the host waits for the decision (&gt; 0)
     */
    public HostCall handle(GatewayRequest request, RouteConfig route, long deadlineMillis, Via via) {
        requireNonNull(request, "request");
        requireNonNull(route, "route");
        requireNonNull(via, "via");
        if (deadlineMillis <= 0) {
            throw new IllegalArgumentException(String.format("deadlineMillis: %s (expected: > 0)", deadlineMillis));
        }
        HostCall call = new HostCall(this, route.name(), deadlineMillis, via);
        CompletableFuture<Decision> decision;
        try {
            // The deadline bounds waits inside the decision too (an identical request already upstream).
            // A WebSocket upgrade (a realtime session) is decided as RealtimeRequest describes it.
            GatewayRequest decided = RealtimeRequest.isUpgrade(request.headers())
                    ? RealtimeRequest.forDecision(request.target(), request.headers(), request.hostConsumer(), gateway.registry())
                    : request;
            decision = gateway.decide(decided, route, deadlineMillis);
        } catch (RuntimeException e) {
            decision = CompletableFuture.failedFuture(e);
        }
        decision.whenComplete(call::decided);
        return call;
    }

    /**
     * Ends a forwarded exchange the host cannot send after all (a direct request its protocol cannot
     * carry, say): the exchange completes once with the error, and the answer carries the exchange's
     * response headers, its log id among them, so the client's id finds the request's log record.
     */
    public static HostResult.Answer refuse(Exchange exchange, GatewayError error) {
        requireNonNull(exchange, "exchange");
        Decision.Answer worded = Decision.Answer.error(requireNonNull(error, "error")).in(exchange.route().errors());
        Headers headers = Headers.copyOf(worded.headers()).setAll(exchange.responseHeaders());
        Decision.Answer a = new Decision.Answer(worded.status(), headers, worded.body(), worded.errorType(), error);
        exchange.complete(Completion.answered(a.status(), false, exchange.elapsedNanos(), a.body().length, a.errorType()));
        return new HostResult.Answer(a, HostResult.Why.REFUSED);
    }

    CompletableFuture<?> dispatcherReady() {
        return dispatcherReady;
    }

    boolean passOnDeadline() {
        return passOnDeadline;
    }
}
