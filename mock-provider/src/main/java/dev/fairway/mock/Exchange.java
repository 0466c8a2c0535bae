package dev.fairway.mock;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * Everything a wire format needs to render one answer.
 *
 * @param model the model to echo (from the body, or from the path for Google and Bedrock)
 * @param body the parsed request body (an empty object for GET requests)
 * @param query the raw query string, "" when there is none
 */
record Exchange(String model, JsonNode body, String query, Answer answer, Ids ids) {

    Exchange {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(answer, "answer");
        Objects.requireNonNull(ids, "ids");
    }
}
