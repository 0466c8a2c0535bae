package dev.fairway.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bounds the values one label may take, in count and in length: values are cut to
 * {@value #MAX_LENGTH} characters, and the first {@code max} distinct values seen are kept, later new
 * ones become {@code other}. Model names and metadata come from clients, so without both bounds one
 * client could grow every series map, and the /metrics page, without limit.
 */
public final class LabelCap {
    public static final String OTHER = "other";
    public static final String UNKNOWN = "unknown";
    /** The longest label value kept; longer ones are cut (a model name is well under 100 characters). */
    public static final int MAX_LENGTH = 128;

    private final int max;
    private final int maxLength;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    public LabelCap(int max) {
        this(max, MAX_LENGTH);
    }

    /** A cap of {@code max} distinct values of at most {@code maxLength} characters each. */
    public LabelCap(int max, int maxLength) {
        if (max < 1) {
            throw new IllegalArgumentException("max: " + max + " (expected: >= 1)");
        }
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength: " + maxLength + " (expected: >= 1)");
        }
        this.max = max;
        this.maxLength = maxLength;
    }

    /** {@code value} (cut to the cap's length) while the cap allows it, else {@code other}; null becomes {@code unknown}. */
    public String apply(String value) {
        if (value == null || value.isEmpty()) {
            return UNKNOWN;
        }
        value = cut(value, maxLength);
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

    /** {@code value} cut to at most {@code max} characters, never splitting a surrogate pair. */
    public static String cut(String value, int max) {
        if (value.length() <= max) {
            return value;
        }
        int end = Character.isHighSurrogate(value.charAt(max - 1)) ? max - 1 : max;
        return value.substring(0, end);
    }

    public int size() {
        return seen.size();
    }
}
