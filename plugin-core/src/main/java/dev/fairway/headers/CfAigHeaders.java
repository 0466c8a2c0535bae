package dev.fairway.headers;

import java.util.List;
import java.util.Map;

/**
 * Every {@code cf-aig-*} request header, parsed and validated once ({@link CfAigHeaderParser}).
 * A null component means the header was absent: the route's default applies.
 *
 * @param authorization the gateway token from {@code cf-aig-authorization}, without the Bearer scheme;
 *     never logged, never forwarded
 * @param cacheTtlSeconds 60 to 2592000, or 0: do not cache this request
 * @param metadata at most five entries whose values are String, Long/Double or Boolean, in the caller's order
 * @param notes the headers that were ignored, clamped or cut rather than refused (non-strict routes)
 */
public record CfAigHeaders(
        Integer cacheTtlSeconds,
        Boolean skipCache,
        String cacheKey,
        Map<String, Object> metadata,
        Boolean collectLog,
        Boolean collectLogPayload,
        Integer requestTimeoutMs,
        Integer maxAttempts,
        Integer retryDelayMs,
        Backoff backoff,
        CustomCost customCost,
        String eventId,
        String authorization,
        String byokAlias,
        List<HeaderNote> notes) {

    public static final CfAigHeaders NONE =
            new CfAigHeaders(null, null, null, Map.of(), null, null, null, null, null, null, null, null, null, null, List.of());

    public CfAigHeaders {
        metadata = metadata == null ? Map.of() : metadata;
        notes = notes == null ? List.of() : List.copyOf(notes);
    }

    @Override
    public String toString() {
        // The gateway token stays out of every rendering of this record.
        return "CfAigHeaders[cacheTtlSeconds=" + cacheTtlSeconds + ", skipCache=" + skipCache
                + ", cacheKey=" + (cacheKey == null ? null : "(set)") + ", metadata=" + metadata.keySet()
                + ", collectLog=" + collectLog + ", collectLogPayload=" + collectLogPayload
                + ", requestTimeoutMs=" + requestTimeoutMs + ", maxAttempts=" + maxAttempts
                + ", retryDelayMs=" + retryDelayMs + ", backoff=" + backoff + ", customCost=" + customCost
                + ", eventId=" + eventId + ", authorization=" + (authorization == null ? null : "****")
                + ", byokAlias=" + byokAlias + ", notes=" + notes.size() + "]";
    }
}
