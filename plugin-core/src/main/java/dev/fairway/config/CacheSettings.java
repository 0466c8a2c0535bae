package dev.fairway.config;

import java.util.Objects;

/** One route's exact response cache; the {@code cf-aig-cache-*} request headers override it per request. */
@Doc("The exact response cache of one route.")
public record CacheSettings(
        @Doc(value = "Whether responses are cached on this route (off by default, as on Cloudflare). A request with cf-aig-cache-ttl or cf-aig-cache-key is cached even when this is off, unless allow_request_opt_in is false.", defaultValue = "false") Boolean enabled,
        @Between(min = CacheSettings.MIN_TTL, max = CacheSettings.MAX_TTL)
        @Doc(value = "Seconds a response stays cached when the request has no cf-aig-cache-ttl header; 60 to 2592000 (30 days).", defaultValue = "300") Integer defaultTtlSeconds,
        @Between(min = 1, max = CacheSettings.MAX_ENTRY_LIMIT)
        @Doc(value = "Largest response body stored, in bytes; larger responses are relayed but not cached.", defaultValue = "1048576") Integer maxEntryBytes,
        @Between(min = 0, max = CacheSettings.MAX_WAIT_MS)
        @Doc(value = "Milliseconds an identical request waits for one already on its way upstream before going upstream itself; 0 turns this single-flight off.", defaultValue = "30000") Integer singleFlightWaitMs,
        @Doc(value = "Whether streamed answers (text/event-stream) are cached too. An entry stored from a stream only ever answers a streaming request, and a non-streamed one only a non-streaming request.", defaultValue = "false") Boolean streams,
        @Doc(value = "Whether a request may opt in to caching on this route while enabled is false, with cf-aig-cache-ttl (for that many seconds) or cf-aig-cache-key (for its TTL header or 300 seconds), as on Cloudflare. When false such headers are ignored and listed in fairway-ignored-headers.", defaultValue = "true") Boolean allowRequestOptIn,
        @Doc("Semantic cache of this route: after an exact miss, a lookup by the meaning of the last user message; off unless enabled.") SemanticCacheSettings semantic)
        implements Validatable {

    public static final int MIN_TTL = 60;
    public static final int MAX_TTL = 2_592_000;
    public static final int MAX_ENTRY_LIMIT = 64 * 1024 * 1024;
    public static final int MAX_WAIT_MS = 600_000;

    public CacheSettings {
        enabled = Objects.requireNonNullElse(enabled, false);
        defaultTtlSeconds = Objects.requireNonNullElse(defaultTtlSeconds, 300);
        maxEntryBytes = Objects.requireNonNullElse(maxEntryBytes, 1024 * 1024);
        singleFlightWaitMs = Objects.requireNonNullElse(singleFlightWaitMs, 30_000);
        streams = Objects.requireNonNullElse(streams, false);
        allowRequestOptIn = Objects.requireNonNullElse(allowRequestOptIn, true);
        semantic = Objects.requireNonNullElseGet(semantic, SemanticCacheSettings::defaults);
    }

    public static CacheSettings defaults() {
        return new CacheSettings(null, null, null, null, null, null, null);
    }

    @Override
    public void validate(Problems problems) {
        // Every other rule is a component's constraint annotation, checked by Constraints.
        semantic.validate(problems.at("semantic"));
    }
}
