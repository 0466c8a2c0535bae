package dev.fairway.flow;

import dev.fairway.pipeline.Completion;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.Stage;
import dev.fairway.pipeline.Step;
import dev.fairway.plan.FlowRoute;

/**
 * Charges a routing flow's budget limits: the cost of the answer is known only once the exchange
 * completes, and goes to the budget limits passed on the way to the model that answered. A
 * request no flow decided opens nothing.
 */
public final class FlowStage implements Stage {
    @Override
    public String name() {
        return "flow";
    }

    @Override
    public Step open(Exchange exchange) {
        FlowRoute flow = exchange.facts().flow();
        if (flow == null || flow.charges() == FlowRoute.Charges.NONE) {
            return Step.NONE;
        }
        return new Step() {
            @Override
            public void afterCompletion(Completion c) {
                if (!c.cached() && c.costUsd() != null) {
                    flow.charges().charge(c.step(), c.costUsd());
                }
            }
        };
    }
}
