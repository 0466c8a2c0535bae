package dev.fairway.plan;

import static java.util.Objects.requireNonNull;

import dev.fairway.body.RequestBody;
import dev.fairway.error.GatewayError;

/**
 * The planner's one decision for a request: the targets to try (with the body as the exchange
 * carries it), or the refusal (a 403 of the route's policy, a 400 or 404 of a request it cannot plan).
 */
public sealed interface PlanDecision {
    /**
     * The request goes on: {@code plan}'s targets, every one allowed by the route's policy.
     *
     * @param flow what a routing flow decided ({@code model: "dynamic/<flow>"}), or null
     * @param choices the prompt and experiment arm the body was shaped by
     */
    record Planned(DispatchPlan plan, RequestBody body, FlowRoute flow, Choices choices) implements PlanDecision {
        public Planned {
            requireNonNull(plan, "plan");
            requireNonNull(body, "body");
            requireNonNull(choices, "choices");
        }

        public Planned(DispatchPlan plan, RequestBody body) {
            this(plan, body, null, Choices.NONE);
        }

        public Planned(DispatchPlan plan, RequestBody body, Choices choices) {
            this(plan, body, null, choices);
        }

        public Planned(DispatchPlan plan, RequestBody body, FlowRoute flow) {
            this(plan, body, flow, Choices.NONE);
        }
    }

    /** The request is answered with {@code error} and sent nowhere. */
    record Refused(GatewayError error) implements PlanDecision {
        public Refused {
            requireNonNull(error, "error");
        }
    }
}
