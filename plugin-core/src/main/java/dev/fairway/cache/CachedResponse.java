package dev.fairway.cache;

import static java.util.Objects.requireNonNull;

import dev.fairway.http.Headers;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One stored answer: what a hit replays. Only headers that describe the body are kept; credentials,
 * cookies and per-request ids never are.
 *
 * @param headerNamesAndValues alternating lower-case names and values
 * @param storedAtMillis when the answer was stored, epoch milliseconds
 * @param ttlSeconds how long it may be served from then on
 */
record CachedResponse(int status, List<String> headerNamesAndValues, byte[] body, long storedAtMillis, int ttlSeconds) {
    private static final Set<String> KEPT = Set.of("content-type", "content-encoding", "content-language");

    CachedResponse {
        requireNonNull(headerNamesAndValues, "headerNamesAndValues");
        requireNonNull(body, "body");
        headerNamesAndValues = List.copyOf(headerNamesAndValues);
        if (headerNamesAndValues.size() % 2 != 0) {
            throw new IllegalArgumentException("headerNamesAndValues: odd size " + headerNamesAndValues.size());
        }
    }

    /** The headers of an upstream response worth replaying. */
    static List<String> keptHeaders(Headers upstream) {
        ArrayList<String> kept = new ArrayList<>(4);
        for (int i = 0; i < upstream.size(); i++) {
            String name = upstream.name(i).toLowerCase(Locale.ROOT);
            if (KEPT.contains(name)) {
                kept.add(name);
                kept.add(upstream.value(i));
            }
        }
        return kept;
    }

    long expiresAtMillis() {
        return storedAtMillis + ttlSeconds * 1000L;
    }

    boolean expiredAt(long nowMillis) {
        return nowMillis >= expiresAtMillis();
    }

    /** Whole seconds since it was stored, for the Age header. */
    long ageSeconds(long nowMillis) {
        return Math.max(0, (nowMillis - storedAtMillis) / 1000);
    }

    Headers headers() {
        Headers h = new Headers();
        for (int i = 0; i < headerNamesAndValues.size(); i += 2) {
            h.add(headerNamesAndValues.get(i), headerNamesAndValues.get(i + 1));
        }
        return h;
    }

    @Override
    public String toString() {
        return "CachedResponse[status=" + status + ", bytes=" + body.length + ", storedAt=" + storedAtMillis + ", ttl=" + ttlSeconds + "]";
    }
}
