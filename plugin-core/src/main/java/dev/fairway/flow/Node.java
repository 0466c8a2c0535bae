package dev.fairway.flow;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One element of a flow, in Cloudflare's Dynamic Routing JSON ({@code type}: start, conditional,
 * percentage, rate_limit, model, end). Outputs hold the id of the element they lead to; a null
 * optional output ({@code fallback}) means there is none.
 */
sealed interface Node {
    String id();

    /** The ids this element leads to, for the graph checks. */
    List<String> outputs();

    record Start(String id, String next) implements Node {
        public List<String> outputs() {
            return List.of(next);
        }
    }

    record Conditional(String id, Condition condition, String whenTrue, String whenFalse) implements Node {
        public List<String> outputs() {
            return List.of(whenTrue, whenFalse);
        }
    }

    /** One weighted output of a percentage split: its label as written ({@code "10%"}), its share in basis points. */
    record Share(String label, int basisPoints, String next) {
        public Share {
            requireNonNull(next, "next");
        }
    }

    /** @param otherwise the {@code else} output, taking what the shares leave below 100%; null when there is none (they sum to 100%) */
    record Percentage(String id, List<Share> shares, String otherwise) implements Node {
        public List<String> outputs() {
            List<String> out = new java.util.ArrayList<>(shares.stream().map(Share::next).toList());
            if (otherwise != null) {
                out.add(otherwise);
            }
            return out;
        }
    }

    /** How a limit element counts: requests, or the cost of the answers (Cloudflare's budget limit). */
    enum LimitType { COUNT, COST }

    /**
     * A rate or budget limit: {@code limit} per {@code intervalSeconds} for each value of {@code key}.
     *
     * @param fallback where an exceeded request goes; null ends the flow with a 429
     */
    record Limit(String id, LimitType type, String key, double limit, long intervalSeconds, boolean sliding, String success,
                 String fallback) implements Node {
        public List<String> outputs() {
            return fallback == null ? List.of(success) : List.of(success, fallback);
        }
    }

    /**
     * A model call.
     *
     * @param timeoutMs time allowed for the first byte, or null for the route's
     * @param retries attempts after the first
     * @param fallback where the request goes when this model fails after its retries; null: the error is the answer
     */
    record Model(String id, String provider, String model, Integer timeoutMs, int retries, String success, String fallback) implements Node {
        public List<String> outputs() {
            return fallback == null ? List.of(success) : List.of(success, fallback);
        }
    }

    record End(String id) implements Node {
        public List<String> outputs() {
            return List.of();
        }
    }
}
