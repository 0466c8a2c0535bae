package dev.fairway.mock;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

/** The one ObjectMapper, and the few node helpers every wire format needs. */
final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    /** Parses a request body that must be a JSON object; the exception's message is fit to show the client. */
    static JsonNode parse(byte[] body) throws JsonProcessingException {
        Objects.requireNonNull(body, "body");
        if (body.length == 0) {
            throw new MalformedBody("the request body is empty; a JSON object was expected");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            // Reading from a byte array does no I/O; only parse errors can happen.
            throw new UncheckedIOException(e);
        }
        if (node == null || !node.isObject()) {
            throw new MalformedBody("the request body must be a JSON object");
        }
        return node;
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            // Trees built from nodes and strings always serialise; anything else is a bug here.
            throw new IllegalStateException("cannot serialise JSON", e);
        }
    }

    static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise JSON", e);
        }
    }

    /** A body that is valid JSON but not the object every provider API expects. */
    static final class MalformedBody extends JsonProcessingException {
        private static final long serialVersionUID = 1L;

        MalformedBody(String message) {
            super(message);
        }
    }
}
