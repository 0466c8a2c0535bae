package dev.fairway.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * {@code GET .../models}: an OpenAI-style list. The mock answers for any model name; these are the
 * names it advertises, one per provider family, so model pickers have something to show.
 */
final class ModelListFormat implements WireFormat {

    static final List<String> MODELS = List.of(
            "gpt-4o-mini", "gpt-4o", "text-embedding-3-small", "claude-sonnet-4-5",
            "gemini-2.0-flash", "command-r-plus", "mock-model");

    @Override
    public Prompt prompt(JsonNode body) {
        return new Prompt(List.of(), "");
    }

    @Override
    public JsonNode reply(Exchange ex) {
        ObjectNode body = Json.object().put("object", "list");
        ArrayNode data = body.putArray("data");
        for (String id : MODELS) {
            data.addObject().put("id", id).put("object", "model").put("created", Ids.CREATED).put("owned_by", "fairway-mock");
        }
        return body;
    }

    @Override
    public ErrorShape errorShape() {
        return ErrorShape.OPENAI;
    }
}
