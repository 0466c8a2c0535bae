package dev.fairway.balance;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How a pool picks the member a request goes to first. */
public enum Strategy {
    /** In proportion to the members' weights. */
    WEIGHTED_RANDOM,
    /** The member with the fewest attempts in flight from this process; ties by weight. */
    LEAST_OUTSTANDING,
    /** Two members drawn by weight, the one with the lower latency average (times its attempts in flight plus one) wins. */
    LOWEST_LATENCY;

    @JsonValue
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
