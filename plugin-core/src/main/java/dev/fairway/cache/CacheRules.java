package dev.fairway.cache;

import dev.fairway.config.CacheSettings;
import dev.fairway.headers.CfAigHeaders;
import dev.fairway.headers.HeaderNote;
import dev.fairway.pipeline.Exchange;

/**
 * Whether one request takes part in the cache at all, following Cloudflare's AI Gateway "Caching"
 * page: the route's setting is the default and the request's headers override it
 * ({@code cf-aig-skip-cache}; {@code cf-aig-cache-ttl} and {@code cf-aig-cache-key} opt a request
 * in where the route's cache is off, unless the route forbids that; a TTL of 0 keeps it out).
 * Streamed answers take part only where the route opts in ({@code cache.streams}).
 */
final class CacheRules {
    private CacheRules() {}

    static boolean cacheable(Exchange exchange, CacheSettings settings) {
        CfAigHeaders headers = exchange.cfAig();
        if (Boolean.TRUE.equals(headers.skipCache()) || !cacheableMethod(exchange.method())) {
            return false;
        }
        Integer ttl = headers.cacheTtlSeconds();
        if (ttl != null && ttl == 0) {
            return false;
        }
        if (exchange.stream() && !settings.streams()) {
            return false;
        }
        if (settings.enabled()) {
            return true;
        }
        boolean optIn = ttl != null || headers.cacheKey() != null;
        if (optIn && !settings.allowRequestOptIn()) {
            String header = ttl != null ? "cf-aig-cache-ttl" : "cf-aig-cache-key";
            exchange.noteHeader(HeaderNote.ignored(header,
                    header + ": this route's cache is off and allow_request_opt_in is false (ignored)"));
            return false;
        }
        return optIn;
    }

    /**
     * The stored key for a request: a streamed answer (SSE bytes) and a JSON answer never share an
     * entry, even under one cf-aig-cache-key, so a client never receives the other shape.
     */
    static String kindScoped(String key, boolean stream) {
        return (stream ? "sse:" : "json:") + key;
    }

    private static boolean cacheableMethod(String method) {
        return method.equals("POST") || method.equals("GET");
    }
}
