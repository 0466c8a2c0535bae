package dev.fairway.flow;

import java.util.function.DoubleSupplier;

/**
 * Picks a percentage element's output: a uniform draw in [0, 1) is laid over the shares in the order
 * they are written, the rest (below 100%) going to {@code else}. With a uniform source each output
 * gets its share of requests; tests pass a seeded one.
 */
final class Split {
    private Split() {}

    /** The id of the element the draw leads to. */
    static String choose(Node.Percentage p, DoubleSupplier random) {
        double draw = random.getAsDouble() * 10_000;
        int upTo = 0;
        for (Node.Share s : p.shares()) {
            upTo += s.basisPoints();
            if (draw < upTo) {
                return s.next();
            }
        }
        // Shares summing to 100% leave no else; a draw can only land here through rounding.
        return p.otherwise() != null ? p.otherwise() : p.shares().get(p.shares().size() - 1).next();
    }
}
