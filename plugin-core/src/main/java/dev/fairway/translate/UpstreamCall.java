package dev.fairway.translate;

import static java.util.Objects.requireNonNull;

/**
 * A translated request: the path below the provider's base URL (query included) and the body.
 *
 * @param stream whether the provider will answer with server-sent events
 * @param headers request headers the provider requires (Anthropic's version header)
 */
public record UpstreamCall(String path, byte[] body, boolean stream, java.util.Map<String, String> headers) {
    public UpstreamCall {
        requireNonNull(path, "path");
        requireNonNull(body, "body");
        headers = java.util.Map.copyOf(headers);
    }
}
