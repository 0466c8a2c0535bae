package dev.fairway.plan;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What a routing flow decided for one request: the flow and version that decided, the branch it took
 * (the id of the first model element reached) and the models to try, in order (step n is hop n).
 *
 * @param charges charges the flow's budget limits once the cost of the answer of step {@code step} is known
 */
public record FlowRoute(String flow, int version, String branch, List<ModelHop> hops, Charges charges) {
    public FlowRoute {
        requireNonNull(flow, "flow");
        requireNonNull(branch, "branch");
        hops = List.copyOf(hops);
        if (hops.isEmpty()) {
            throw new IllegalArgumentException("hops: empty (expected: at least one model)");
        }
        requireNonNull(charges, "charges");
    }

    /** The budget limits passed on the way to each hop, charged with the cost of the answer that hop gave. */
    public interface Charges {
        Charges NONE = (step, costUsd) -> {};

        void charge(int step, double costUsd);
    }

    /** The {@code fairway-flow} response header: {@code <flow>@<version>; branch=<node>}. */
    public String header() {
        return flow + "@" + version + "; branch=" + branch;
    }
}
