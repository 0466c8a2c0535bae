package dev.fairway.usage;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fairway.body.RequestBody;
import dev.fairway.provider.Provider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * OpenAI-style streams report usage only when asked ({@code stream_options.include_usage}). When
 * the client did not ask, the gateway asks for it and later drops the extra chunk, so the client
 * sees the stream it requested while the gateway still learns the tokens.
 */
final class StreamOptions {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
    private static final byte[] OPTION = ",\"stream_options\":{\"include_usage\":true}".getBytes(StandardCharsets.US_ASCII);

    private StreamOptions() {}

    /**
     * Whether to ask {@code provider} for a stream's usage: its row says it accepts
     * {@code stream_options} (providers.json {@code accepts_stream_options}; custom providers do), and
     * the call is a chat or text completion.
     */
    static boolean applies(Provider provider, String upstreamPath) {
        return provider.acceptsStreamOptions()
                && (upstreamPath.endsWith("/chat/completions") || upstreamPath.endsWith("/completions"));
    }

    /**
     * As {@link #withIncludeUsage(byte[])}, reading the client's parsed body when {@code body} is the
     * client's own bytes, so they are not parsed a second time.
     */
    static byte[] withIncludeUsage(RequestBody client, byte[] body) {
        if (body != client.bytes() || !client.json()) {
            return withIncludeUsage(body);
        }
        ObjectNode object = client.tree();
        if (object == null || client.statesIncludeUsage()) {
            return null;
        }
        if (!client.hasStreamOptions() && !object.isEmpty()) {
            return appended(body);
        }
        ObjectNode copy = object.deepCopy();
        JsonNode options = copy.get("stream_options");
        (options instanceof ObjectNode o ? o : copy.putObject("stream_options")).put("include_usage", true);
        try {
            return MAPPER.writeValueAsBytes(copy);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The body with {@code stream_options.include_usage: true}, or null when the client already
     * asked for usage (either way) or the body is not a JSON object.
     */
    static byte[] withIncludeUsage(byte[] body) {
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (IOException e) {
            return null;
        }
        if (!(root instanceof ObjectNode object)) {
            return null;
        }
        JsonNode options = object.get("stream_options");
        if (options instanceof ObjectNode o && o.has("include_usage")) {
            return null;
        }
        if (options == null && !object.isEmpty()) {
            return appended(body);
        }
        ObjectNode target = options instanceof ObjectNode o ? o : object.putObject("stream_options");
        target.put("include_usage", true);
        try {
            return MAPPER.writeValueAsBytes(object);
        } catch (IOException e) {
            return null;
        }
    }

    /** The client's bytes as they are, with the option added before the closing brace. */
    private static byte[] appended(byte[] body) {
        int end = body.length - 1;
        while (end >= 0 && Character.isWhitespace(body[end])) {
            end--;
        }
        byte[] out = new byte[end + OPTION.length + 1];
        System.arraycopy(body, 0, out, 0, end);
        System.arraycopy(OPTION, 0, out, end, OPTION.length);
        out[out.length - 1] = '}';
        return out;
    }
}
