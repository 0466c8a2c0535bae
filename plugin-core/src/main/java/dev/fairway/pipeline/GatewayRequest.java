package dev.fairway.pipeline;

import static java.util.Objects.requireNonNull;

import dev.fairway.http.Headers;

/**
 * A request as the host saw it, before the gateway has looked at it.
 *
 * @param target the raw request target, path and query ({@code /openai/v1/chat/completions?x=1})
 * @param hostConsumer the caller identity the host gateway already established (a Kong or APISIX
 *     consumer name), or null
 */
public record GatewayRequest(String method, String target, Headers headers, byte[] body, String hostConsumer) {
    public GatewayRequest {
        requireNonNull(method, "method");
        requireNonNull(target, "target");
        requireNonNull(headers, "headers");
        requireNonNull(body, "body");
    }

    public static GatewayRequest of(String method, String target, Headers headers, byte[] body) {
        return new GatewayRequest(method, target, headers, body, null);
    }
}
