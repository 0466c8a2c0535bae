package dev.fairway.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Renames the model of a JSON body: the one rewrite a same-API fallback needs. */
final class ModelRewrite {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private ModelRewrite() {}

    static byte[] withModel(byte[] body, String model) {
        try {
            JsonNode tree = MAPPER.readTree(body);
            if (!(tree instanceof ObjectNode object)) {
                return body;
            }
            object.put("model", model);
            return MAPPER.writeValueAsBytes(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode object(byte[] body) {
        try {
            JsonNode tree = MAPPER.readTree(body);
            return tree instanceof ObjectNode o ? o : null;
        } catch (IOException e) {
            return null;
        }
    }
}
