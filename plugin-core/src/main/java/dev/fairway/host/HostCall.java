package dev.fairway.host;

import dev.fairway.dispatch.HostRelay;
import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.pipeline.Completion;
import dev.fairway.pipeline.Decision;
import dev.fairway.pipeline.Exchange;
import dev.fairway.plan.MemberAdmission;
import dev.fairway.plan.PlannedTarget;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request a host handed to {@link HostBridge}: its result, and the rule that every forwarded
 * exchange ends exactly once. A forward decided after the host stopped waiting (the deadline
 * passed, its client left) is never sent: it is completed here, as the host answered it, so that
 * its steps settle. The result and the host's giving up are guarded by {@code this}: decisions
 * complete on the core's threads, deadlines and disconnects on the host's.
 */
public final class HostCall {
    private static final Logger LOG = LoggerFactory.getLogger(HostCall.class);

    private final HostBridge bridge;
    private final String routeName;
    private final long deadlineMillis;
    private final Via via;
    private final CompletableFuture<HostResult> result = new CompletableFuture<>();

    // Guarded by this.
    /** A forward decided in time, waiting for the dispatcher endpoint to listen. */
    private Exchange awaitingDispatcher;
    /** How a forward decided from now on ends: set when the host stops waiting. */
    private int lateStatus;
    private String lateType;

    HostCall(HostBridge bridge, String routeName, long deadlineMillis, Via via) {
        this.bridge = bridge;
        this.routeName = routeName;
        this.deadlineMillis = deadlineMillis;
        this.via = via;
    }

    /** Completes once, with the decision, the deadline's answer, or cancelled when the client left. */
    public CompletableFuture<HostResult> result() {
        return result;
    }

    public long deadlineMillis() {
        return deadlineMillis;
    }

    /** For an asynchronous host: the result, with the deadline kept on {@code timer}. */
    public CompletableFuture<HostResult> within(ScheduledExecutorService timer) {
        ScheduledFuture<?> deadline = timer.schedule(this::expire, deadlineMillis, TimeUnit.MILLISECONDS);
        result.whenComplete((r, t) -> deadline.cancel(false));
        return result;
    }

    /**
     * For a blocking host: the result, waiting at most until the deadline. An interrupted host
     * stops waiting as if its client left, and answers 503.
     */
    public HostResult await() {
        try {
            return result.get(deadlineMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            expire();
            return settled();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            clientGone();
            return settledOr(GatewayError.of(ErrorType.SERVICE_UNAVAILABLE, "the gateway is shutting down"));
        } catch (ExecutionException | CancellationException e) {
            // The result never fails (failures become answers); cancelled only by clientGone.
            return settledOr(GatewayError.of(ErrorType.SERVICE_UNAVAILABLE, "the gateway is shutting down"));
        }
    }

    /**
     * The host's deadline passed: unless the core has decided, the result becomes a 503 (on
     * {@link HostBridge#passingOnDeadline()}, the host's own answer instead), and a forward decided
     * later ends as {@code decision_timeout}. A forward still waiting for the dispatcher is refused.
     */
    public synchronized void expire() {
        if (result.isDone()) {
            return;
        }
        if (awaitingDispatcher != null) {
            result.complete(HostBridge.refuse(awaitingDispatcher, notListening()));
            return;
        }
        LOG.warn("route {}: the core did not decide within {} ms{}", routeName, deadlineMillis,
                bridge.passOnDeadline() ? "; the host passes the request on its own route" : "");
        lateStatus = bridge.passOnDeadline() ? 0 : 503;
        lateType = "decision_timeout";
        GatewayError e = GatewayError.of(ErrorType.SERVICE_UNAVAILABLE, "the gateway did not decide within %d ms", deadlineMillis)
                .with("timeout_ms", deadlineMillis);
        result.complete(new HostResult.Answer(Decision.Answer.loggedError(e), HostResult.Why.DEADLINE));
    }

    /**
     * The host's client went away before the result was taken up: the result is cancelled, and a
     * forward decided later ends as the client's 499. Does nothing once there is a result: from then
     * on what the host does with it (cut a direct tap, leave a ticket to expire) ends the exchange.
     */
    public synchronized void clientGone() {
        if (result.isDone()) {
            return;
        }
        lateStatus = 499;
        lateType = Completion.CLIENT_CLOSED;
        result.cancel(false);
    }

    /** The core's decision, or its failure, on whatever thread completed it. */
    void decided(Decision decision, Throwable failure) {
        if (failure != null) {
            failed(failure);
        } else if (decision instanceof Decision.Answer a) {
            // The exchange of an answer is complete already; a late one just goes unsent.
            finish(new HostResult.Answer(a, HostResult.Why.DECIDED));
        } else if (decision instanceof Decision.Forward f) {
            forward(f.exchange());
        }
    }

    private void failed(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        LOG.error("route {}: the core failed to decide", routeName, cause);
        GatewayError e = cause instanceof GatewayError g ? g : GatewayError.of(ErrorType.INTERNAL, "the gateway failed to process the request");
        finish(new HostResult.Answer(Decision.Answer.loggedError(e), HostResult.Why.FAILED));
    }

    private synchronized void finish(HostResult r) {
        result.complete(r);
    }

    private synchronized void forward(Exchange exchange) {
        if (result.isDone()) {
            endLate(exchange);
            return;
        }
        if (via.isDirect()) {
            // A pool member with an open circuit or at its own rate limit is passed over for the next one, as the dispatcher does.
            MemberAdmission.first(exchange.plan(), t -> bridge.dispatcher().circuit(exchange, t))
                    .whenComplete((admitted, refused) -> direct(exchange, admitted, refused));
            return;
        }
        CompletableFuture<?> ready = bridge.dispatcherReady();
        if (ready == null || ready.isDone() && !ready.isCompletedExceptionally()) {
            issue(exchange);
            return;
        }
        awaitingDispatcher = exchange;
        ready.whenComplete((port, t) -> dispatcherReady(exchange, t));
    }

    private synchronized void direct(Exchange exchange, MemberAdmission.Admitted admitted, Throwable refused) {
        if (result.isDone()) {
            endLate(exchange);
            return;
        }
        HostRelay tap;
        try {
            if (refused != null) {
                Throwable cause = refused instanceof CompletionException && refused.getCause() != null ? refused.getCause() : refused;
                throw cause instanceof GatewayError g ? g : GatewayError.of(ErrorType.INTERNAL, "the gateway failed to process the request");
            }
            tap = HostRelay.open(exchange, admitted, via.rewritesBody());
        } catch (GatewayError e) {
            result.complete(HostBridge.refuse(exchange, e));
            return;
        }
        result.complete(new HostResult.Direct(tap));
    }

    private synchronized void dispatcherReady(Exchange exchange, Throwable failed) {
        awaitingDispatcher = null;
        if (result.isDone()) {
            // Refused at the deadline (complete already), or the client left (ends it now).
            endLate(exchange);
        } else if (failed != null) {
            result.complete(HostBridge.refuse(exchange, notListening()));
        } else {
            issue(exchange);
        }
    }

    private void issue(Exchange exchange) {
        result.complete(new HostResult.ForwardByTicket(bridge.dispatcher().tickets().issue(exchange), exchange));
    }

    /** A forward nobody will send ends here, as the host answered its client; an exchange completes only once. */
    private void endLate(Exchange exchange) {
        exchange.complete(Completion.unsent(lateStatus, lateType, exchange.elapsedNanos()));
    }

    private GatewayError notListening() {
        return GatewayError.of(ErrorType.SERVICE_UNAVAILABLE, "the dispatcher endpoint is not listening (port %d held by another process)",
                bridge.gateway().config().dispatch().loopbackPort());
    }

    private HostResult settled() {
        return settledOr(GatewayError.of(ErrorType.SERVICE_UNAVAILABLE, "the gateway is shutting down"));
    }

    private HostResult settledOr(GatewayError otherwise) {
        if (result.isDone() && !result.isCancelled()) {
            return result.join();
        }
        return new HostResult.Answer(Decision.Answer.loggedError(otherwise), HostResult.Why.FAILED);
    }
}
