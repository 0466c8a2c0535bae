package dev.fairway.pipeline;

import static java.util.Objects.requireNonNull;

import dev.fairway.http.Headers;
import java.net.URI;

/** One upstream attempt, ready to send. */
public record UpstreamRequest(String method, URI uri, Headers headers, byte[] body) {
    public UpstreamRequest {
        requireNonNull(method, "method");
        requireNonNull(uri, "uri");
        requireNonNull(headers, "headers");
        requireNonNull(body, "body");
    }
}
