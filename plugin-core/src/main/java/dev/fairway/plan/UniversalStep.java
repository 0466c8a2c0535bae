package dev.fairway.plan;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fairway.headers.Backoff;
import dev.fairway.http.Headers;
import java.util.Set;

/**
 * One step of a Universal request (Cloudflare's form): a provider, the endpoint below it, the
 * step's own headers (its provider credential) and body ({@code query}), and its retry config.
 * {@code fallbackOn}, when set, narrows the upstream statuses that move on from this step (null: any 4xx or 5xx).
 */
record UniversalStep(
        int index,
        String provider,
        String endpoint,
        Headers headers,
        byte[] query,
        ObjectNode queryTree,
        Integer requestTimeout,
        Integer maxAttempts,
        Integer retryDelay,
        Backoff backoff,
        Set<Integer> fallbackOn) {

    UniversalStep {
        requireNonNull(provider, "provider");
        requireNonNull(endpoint, "endpoint");
        requireNonNull(headers, "headers");
        requireNonNull(query, "query");
        requireNonNull(queryTree, "queryTree");
    }
}
