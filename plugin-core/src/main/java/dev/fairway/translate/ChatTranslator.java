package dev.fairway.translate;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Speaks a provider's API for a client that speaks OpenAI chat completions: one per (inbound API,
 * provider format) pair. Requests are translated whole; streamed answers event by event.
 */
public interface ChatTranslator {
    /**
     * The upstream call for {@code chat}, an OpenAI chat-completions request body.
     *
     * @param model the provider's model name (the part after {@code provider/})
     * @throws dev.fairway.error.GatewayError 400 naming the field when the request cannot be expressed
     */
    UpstreamCall request(ObjectNode chat, String model);

    /**
     * Where {@link #request} sends {@code chat}, without building its body: the planner plans a
     * fallback target with it and builds the body only when the target is tried.
     */
    Route route(ObjectNode chat, String model);

    /**
     * A translated call's destination.
     *
     * @param path the path below the provider's base URL, query included
     * @param stream whether the provider will answer with server-sent events
     * @param headers request headers the provider requires
     */
    record Route(String path, boolean stream, java.util.Map<String, String> headers) {
        public Route {
            java.util.Objects.requireNonNull(path, "path");
            headers = java.util.Map.copyOf(headers);
        }

        /** The call to this destination with {@code body}. */
        UpstreamCall with(byte[] body) {
            return new UpstreamCall(path, body, stream, headers);
        }
    }

    /** A whole upstream answer, as an OpenAI chat completion (or, for a non-2xx status, an OpenAI error). */
    byte[] response(int status, byte[] upstream, String model);

    /** A streamed upstream answer, turned into OpenAI chunk events as it arrives. */
    StreamTranslator stream(String model, boolean includeUsage);
}
