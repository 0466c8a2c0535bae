package dev.fairway.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * OpenAI embeddings ({@code .../embeddings}): unit vectors derived from a hash of each input, so the
 * same text always embeds the same way. Token usage is the inputs' word count.
 */
final class EmbeddingsFormat implements WireFormat {

    static final int DEFAULT_DIMENSIONS = 8;
    static final int MAX_DIMENSIONS = 4096;

    @Override
    public Prompt prompt(JsonNode body) {
        return new Prompt(inputs(body.path("input")), "");
    }

    @Override
    public ErrorShape errorShape() {
        return ErrorShape.OPENAI;
    }

    @Override
    public JsonNode reply(Exchange ex) {
        int dimensions = ex.body().path("dimensions").asInt(DEFAULT_DIMENSIONS);
        if (dimensions < 1 || dimensions > MAX_DIMENSIONS) {
            dimensions = DEFAULT_DIMENSIONS;
        }
        boolean base64 = "base64".equals(ex.body().path("encoding_format").asText());
        ObjectNode body = Json.object().put("object", "list");
        ArrayNode data = body.putArray("data");
        int tokens = 0;
        List<String> inputs = inputs(ex.body().path("input"));
        for (int i = 0; i < inputs.size(); i++) {
            float[] vector = vector(inputs.get(i), dimensions);
            ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
            if (base64) {
                item.put("embedding", base64(vector));
            } else {
                ArrayNode values = item.putArray("embedding");
                for (float v : vector) {
                    values.add(v);
                }
            }
            tokens += Words.count(inputs.get(i));
        }
        body.put("model", ex.model());
        body.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
        return body;
    }

    /** A string, a list of strings, a token list, or a list of token lists; token ids become words. */
    static List<String> inputs(JsonNode input) {
        List<String> inputs = new ArrayList<>();
        if (input.isTextual()) {
            inputs.add(input.textValue());
        } else if (input.isArray() && !input.isEmpty() && input.get(0).isNumber()) {
            inputs.add(joinTokens(input));
        } else {
            for (JsonNode item : input) {
                inputs.add(item.isArray() ? joinTokens(item) : item.asText(""));
            }
        }
        return inputs;
    }

    /** Hash bytes mapped to [-1, 1], then scaled to unit length as real embedding models return. */
    static float[] vector(String text, int dimensions) {
        double[] raw = new double[dimensions];
        byte[] block = new byte[0];
        for (int i = 0; i < dimensions; i++) {
            int offset = (i % 8) * 4;
            if (offset == 0) {
                MessageDigest sha = Ids.sha256();
                sha.update((i / 8 + ":" + text).getBytes(StandardCharsets.UTF_8));
                block = sha.digest();
            }
            int bits = ByteBuffer.wrap(block, offset, 4).getInt();
            raw[i] = bits / (double) Integer.MAX_VALUE;
        }
        double norm = 0;
        for (double v : raw) {
            norm += v * v;
        }
        norm = Math.sqrt(norm);
        float[] vector = new float[dimensions];
        for (int i = 0; i < dimensions; i++) {
            vector[i] = (float) (norm == 0 ? 0 : raw[i] / norm);
        }
        return vector;
    }

    /** OpenAI's base64 form: little-endian float32s. */
    private static String base64(float[] vector) {
        ByteBuffer buffer = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : vector) {
            buffer.putFloat(v);
        }
        return Base64.getEncoder().encodeToString(buffer.array());
    }

    private static String joinTokens(JsonNode tokens) {
        List<String> words = new ArrayList<>();
        tokens.forEach(t -> words.add(t.asText()));
        return String.join(" ", words);
    }
}
