package dev.fairway.dispatch;

import dev.fairway.config.RouteConfig;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.UpstreamRequest;
import dev.fairway.plan.DispatchPlan;
import dev.fairway.plan.PlannedTarget;
import dev.fairway.retry.BreakerKey;
import java.util.function.Function;

/**
 * Composes an exchange's upstream call, outermost first: fallback across the plan's targets,
 * retries of each target, the circuit's bookkeeping of each attempt, a pool member's (its health,
 * outstanding count and latency), the attempt's request (signed,
 * its credential exchanged), the first-byte timeout, and the HTTP call.
 */
final class UpstreamCalls {
    private UpstreamCalls() {}

    /** @param prepare the request for a target, as the relay (its meter) wants it sent */
    static UpstreamCall forExchange(Dispatcher dispatcher, Exchange exchange, Trip trip, Function<PlannedTarget, UpstreamRequest> prepare) {
        DispatchPlan plan = exchange.plan();
        RouteConfig route = exchange.route();
        UpstreamCall http = new HttpCall(dispatcher);
        UpstreamCall timed = new TimeoutCall(http, dispatcher.timers(), target -> timeoutMs(exchange, target));
        UpstreamCall prepared = new PreparingCall(timed, dispatcher, prepare);
        UpstreamCall reported = new CircuitBreakerCall(new MemberCall(prepared, System::nanoTime, exchange.facts()::member));
        UpstreamCall retrying = new RetryingCall(reported, dispatcher.scheduler(), trip);
        return new FallbackCall(retrying, plan, target -> dispatcher.circuit(exchange, target),
                route.retry().maxTotalAttempts(), dispatcher.scheduler(), exchange.logId());
    }

    /** The target's own first-byte timeout, else the request's ({@code cf-aig-request-timeout}), else the route's. */
    static int timeoutMs(Exchange exchange, PlannedTarget target) {
        return target.timeoutMs() != null ? target.timeoutMs()
                : exchange.cfAig().requestTimeoutMs() != null ? exchange.cfAig().requestTimeoutMs() : exchange.route().requestTimeoutMs();
    }

    /** The target's circuit: its model counts only when the route's fallback chain names it for that provider. */
    static BreakerKey breakerKey(RouteConfig route, PlannedTarget target) {
        String slug = target.target().provider().slug();
        boolean configured = target.model() != null && route.fallback().targets().stream()
                .anyMatch(f -> slug.equals(f.provider()) && target.model().equals(f.model()));
        BreakerKey key = BreakerKey.of(route.name(), slug, target.target().uri(), configured ? target.model() : null);
        return target.member() == null ? key : key.forMember(target.member().name());
    }
}
