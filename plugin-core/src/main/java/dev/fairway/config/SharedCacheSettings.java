package dev.fairway.config;

import java.util.Objects;

/**
 * The exact cache's shared tier: the Redis of {@code redis}, behind this process's own tiers, so
 * that an answer stored through one gateway process is a hit on every other one.
 */
@Doc("Redis as a shared tier behind this process's cache tiers, so several gateway processes share one cache. Uses the connection of the top-level redis setting.")
public record SharedCacheSettings(
        @Doc(value = "Whether cached responses are also kept in, and looked up from, the top-level redis; requires redis to be set.", defaultValue = "false") Boolean enabled,
        @Doc(value = "Prefix of every cache key Fairway writes to Redis; lets one Redis serve several gateways apart.", defaultValue = "fairway:cache:") String keyPrefix,
        @Between(min = 5, max = 1000)
        @Doc(value = "Milliseconds between two looks at Redis while another process holds the single-flight lease on an identical request (see routes[].cache.single_flight_wait_ms).", defaultValue = "50") Integer pollMs,
        @Between(min = 0, max = CacheSettings.MAX_ENTRY_LIMIT)
        @Doc(value = "Entries larger than this many bytes are compressed (deflate) before they are sent to Redis; 0 compresses none.", defaultValue = "4096") Integer compressAboveBytes)
        implements Validatable {

    public SharedCacheSettings {
        enabled = Objects.requireNonNullElse(enabled, false);
        keyPrefix = Objects.requireNonNullElse(keyPrefix, "fairway:cache:");
        pollMs = Objects.requireNonNullElse(pollMs, 50);
        compressAboveBytes = Objects.requireNonNullElse(compressAboveBytes, 4096);
    }

    public static SharedCacheSettings defaults() {
        return new SharedCacheSettings(null, null, null, null);
    }

    @Override
    public void validate(Problems problems) {
        problems.require(!keyPrefix.isBlank() && keyPrefix.length() <= 128, "key_prefix", "%s (expected: 1 to 128 characters)", keyPrefix);
    }
}
