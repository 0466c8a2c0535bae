package dev.fairway.mock;

import com.fasterxml.jackson.databind.JsonNode;

/** One provider API: how its requests carry text and what its answers and errors look like. */
interface WireFormat {

    /** The text the request carries; the answer and the token counts are derived from it. */
    Prompt prompt(JsonNode body);

    /** The complete non-streaming answer body. */
    JsonNode reply(Exchange exchange);

    ErrorShape errorShape();

    /** The model to echo when the request names none. */
    default String defaultModel() {
        return "mock-model";
    }
}
