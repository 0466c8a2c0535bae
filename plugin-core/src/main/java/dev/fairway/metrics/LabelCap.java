package dev.fairway.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bounds the distinct values one label may take: the first {@code max} values seen are kept as
 * they are, later new ones become {@code other}. Model names and metadata values come from
 * clients, so without a cap one client could grow every series map without limit.
 */
public final class LabelCap {
    public static final String OTHER = "other";
    public static final String UNKNOWN = "unknown";

    private final int max;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    public LabelCap(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max: " + max + " (expected: >= 1)");
        }
        this.max = max;
    }

    /** {@code value} itself while the cap allows it, else {@code other}; null becomes {@code unknown}. */
    public String apply(String value) {
        if (value == null || value.isEmpty()) {
            return UNKNOWN;
        }
        if (seen.contains(value)) {
            return value;
        }
        // Racing threads may admit a few values past the cap; the bound stays max + threads.
        if (seen.size() >= max) {
            return OTHER;
        }
        seen.add(value);
        return value;
    }

    public int size() {
        return seen.size();
    }
}
