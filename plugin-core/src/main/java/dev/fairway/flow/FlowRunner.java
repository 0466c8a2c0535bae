package dev.fairway.flow;

import static java.util.Objects.requireNonNull;

import dev.fairway.config.QuotaRule;
import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.plan.FlowRoute;
import dev.fairway.plan.ModelHop;
import dev.fairway.quota.LimitGate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.DoubleSupplier;

/**
 * Walks one version of a flow for one request, from start: conditionals test the request, splits
 * draw, limits ask the quota buckets ({@link LimitGate}), and every model reached becomes a hop. A
 * model's {@code fallback} output is walked too, so its models follow as the next hops (what the
 * dispatcher tries when the model fails). Limits on the way to the first model take a request from
 * their bucket; limits behind a model's fallback are only checked, since the fallback may never be
 * tried. Budget (cost) limits are checked here and charged with the answer's cost at completion.
 */
final class FlowRunner {
    private final LimitGate limits;
    private final DoubleSupplier random;

    FlowRunner(LimitGate limits, DoubleSupplier random) {
        this.limits = requireNonNull(limits, "limits");
        this.random = requireNonNull(random, "random");
    }

    /** A budget limit passed on the way to a hop, with the bucket value this request keys on. */
    record Passed(QuotaRule rule, String value) {}

    /** What the walk has found so far. */
    private static final class Walk {
        final List<ModelHop> hops = new ArrayList<>();
        final List<List<Passed>> chargesByHop = new ArrayList<>();
        List<Passed> budgets = new ArrayList<>();
        String exceeded;
        String endedAt;
    }

    CompletableFuture<FlowRoute> run(String routeName, String flow, int version, FlowGraph graph, RequestView request) {
        Walk walk = new Walk();
        return step(routeName, flow, graph, graph.start().next(), request, walk, true).thenApply(v -> {
            if (walk.hops.isEmpty()) {
                throw walk.exceeded != null
                        ? GatewayError.of(ErrorType.RATE_LIMITED, "flow %s: limit element %s exceeded and it has no fallback", flow, walk.exceeded)
                                .with("flow", flow).with("node", walk.exceeded)
                        : GatewayError.of(ErrorType.INVALID_REQUEST, "flow %s: this request's path ended at %s without reaching a model", flow, walk.endedAt)
                                .with("flow", flow).with("node", walk.endedAt);
            }
            List<List<Passed>> charges = List.copyOf(walk.chargesByHop);
            FlowRoute.Charges charge = charges.stream().allMatch(List::isEmpty) ? FlowRoute.Charges.NONE
                    : (step, cost) -> chargeBudgets(charges, step, cost);
            return new FlowRoute(flow, version, walk.hops.get(0).node(), walk.hops, charge);
        });
    }

    private CompletableFuture<Void> step(String routeName, String flow, FlowGraph graph, String id, RequestView request, Walk walk, boolean primary) {
        // The graph is acyclic and has at most FlowParser.MAX_ELEMENTS elements, so this recursion ends.
        Node n = graph.node(id);
        return switch (n) {
            case Node.Start s -> step(routeName, flow, graph, s.next(), request, walk, primary);
            case Node.End e -> {
                walk.endedAt = e.id();
                yield CompletableFuture.completedFuture(null);
            }
            case Node.Conditional c -> step(routeName, flow, graph, c.condition().test(request) ? c.whenTrue() : c.whenFalse(), request, walk, primary);
            case Node.Percentage p -> step(routeName, flow, graph, Split.choose(p, random), request, walk, primary);
            case Node.Model m -> {
                walk.hops.add(new ModelHop(m.id(), m.provider(), m.model(), m.timeoutMs(), m.retries()));
                walk.chargesByHop.add(List.copyOf(walk.budgets));
                yield m.fallback() == null ? CompletableFuture.completedFuture(null)
                        : step(routeName, flow, graph, m.fallback(), request, walk, false);
            }
            case Node.Limit l -> {
                QuotaRule rule = rule(l);
                Object keyed = request.value(RequestView.Field.parse(l.key()));
                // Route, flow and element keep buckets apart: one route's limits never count another's requests.
                String value = routeName + "/" + flow + "/" + l.id() + "/" + (keyed == null ? "" : String.valueOf(keyed));
                yield limits.admit(rule, value, primary).thenCompose(admitted -> {
                    if (admitted) {
                        if (l.type() == Node.LimitType.COST) {
                            walk.budgets = new ArrayList<>(walk.budgets);
                            walk.budgets.add(new Passed(rule, value));
                        }
                        return step(routeName, flow, graph, l.success(), request, walk, primary);
                    }
                    if (l.fallback() == null) {
                        walk.exceeded = walk.exceeded == null ? l.id() : walk.exceeded;
                        return CompletableFuture.completedFuture(null);
                    }
                    return step(routeName, flow, graph, l.fallback(), request, walk, primary);
                });
            }
        };
    }

    /** The quota rule a limit element stands for; equal elements give equal rules, so buckets survive new versions. */
    static QuotaRule rule(Node.Limit l) {
        return new QuotaRule("flow", List.of("route"), l.type() == Node.LimitType.COST ? QuotaRule.Unit.COST_USD : QuotaRule.Unit.REQUESTS,
                l.limit(), l.intervalSeconds() + "s", l.sliding() ? QuotaRule.Technique.SLIDING : QuotaRule.Technique.FIXED,
                QuotaRule.StoreFailure.FAIL_OPEN);
    }

    private void chargeBudgets(List<List<Passed>> charges, int step, double costUsd) {
        if (step < 0 || step >= charges.size() || !(costUsd > 0)) {
            return;
        }
        long micros = (long) Math.ceil(costUsd * QuotaRule.MICROS_PER_USD);
        for (Passed p : charges.get(step)) {
            limits.charge(p.rule(), p.value(), micros);
        }
    }
}
