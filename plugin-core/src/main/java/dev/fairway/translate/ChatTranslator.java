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

    /** A whole upstream answer, as an OpenAI chat completion (or, for a non-2xx status, an OpenAI error). */
    byte[] response(int status, byte[] upstream, String model);

    /** A streamed upstream answer, turned into OpenAI chunk events as it arrives. */
    StreamTranslator stream(String model, boolean includeUsage);
}
