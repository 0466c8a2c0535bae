package dev.fairway.cache;

import java.time.Duration;
import java.util.function.Supplier;
import org.ehcache.expiry.ExpiryPolicy;

/** Each entry lives for the TTL it was stored with; reading it does not extend its life. */
final class TtlExpiry implements ExpiryPolicy<String, CachedResponse> {
    @Override
    public Duration getExpiryForCreation(String key, CachedResponse value) {
        return Duration.ofSeconds(value.ttlSeconds());
    }

    @Override
    public Duration getExpiryForAccess(String key, Supplier<? extends CachedResponse> value) {
        return null;
    }

    @Override
    public Duration getExpiryForUpdate(String key, Supplier<? extends CachedResponse> oldValue, CachedResponse newValue) {
        return Duration.ofSeconds(newValue.ttlSeconds());
    }
}
