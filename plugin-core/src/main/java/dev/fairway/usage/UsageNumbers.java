package dev.fairway.usage;

import java.util.HashMap;
import java.util.Map;

/**
 * The integer fields found under a usage object, keyed by their path from the usage root
 * ({@code usage.prompt_tokens_details.cached_tokens}). Wrappers such as {@code message.} or
 * {@code response.} are dropped, so the same key names the same number in a body and in a stream.
 * Later reports replace earlier ones: stream totals are cumulative.
 */
final class UsageNumbers {
    private final Map<String, Long> values = new HashMap<>();

    void put(String key, long value) {
        values.put(key, value);
    }

    void putAll(UsageNumbers other) {
        values.putAll(other.values);
    }

    boolean isEmpty() {
        return values.isEmpty();
    }

    /** The first of {@code keys} present, or -1. */
    long first(String... keys) {
        for (String k : keys) {
            Long v = values.get(k);
            if (v != null) {
                return v;
            }
        }
        return -1;
    }

    boolean has(String key) {
        return values.containsKey(key);
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
