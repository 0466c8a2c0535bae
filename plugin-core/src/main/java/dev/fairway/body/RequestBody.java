package dev.fairway.body;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import java.io.IOException;

/**
 * The request body as received, with the two fields the gateway routes on. The bytes are kept as
 * they came: the body is scanned with a streaming parser, never rebuilt, so nothing is re-serialised
 * unless a stage really changes it.
 *
 * @param json whether the body is a JSON object (false for empty bodies and non-JSON uploads)
 * @param model the top-level {@code model} string, or null
 * @param stream the top-level {@code stream} flag
 */
public record RequestBody(byte[] bytes, boolean json, String model, boolean stream) {
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(256).build())
            .build();

    public static final RequestBody EMPTY = new RequestBody(new byte[0], false, null, false);

    public RequestBody {
        requireNonNull(bytes, "bytes");
    }

    /**
     * Reads {@code model} and {@code stream} from a JSON body; any syntax error is a 400 that says
     * where. Bodies of other content types pass through unread.
     */
    public static RequestBody scan(byte[] bytes, String contentType) {
        if (bytes.length == 0) {
            return EMPTY;
        }
        if (!looksJson(contentType, bytes)) {
            return new RequestBody(bytes, false, null, false);
        }
        String model = null;
        boolean stream = false;
        try (JsonParser p = JSON.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw GatewayError.of(ErrorType.INVALID_REQUEST, "request body: expected a JSON object").with("field", "body");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("model".equals(name)) {
                    if (value != JsonToken.VALUE_STRING) {
                        throw GatewayError.invalidField("model", "model: expected a string");
                    }
                    model = p.getText();
                } else if ("stream".equals(name)) {
                    if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE && value != JsonToken.VALUE_NULL) {
                        throw GatewayError.invalidField("stream", "stream: expected true or false");
                    }
                    stream = value == JsonToken.VALUE_TRUE;
                } else {
                    p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw GatewayError.of(ErrorType.INVALID_REQUEST, "request body: unexpected content after the JSON object").with("field", "body");
            }
        } catch (JsonParseException e) {
            var at = e.getLocation();
            throw GatewayError.of(ErrorType.INVALID_REQUEST, "request body is not valid JSON: %s (line %d, column %d)",
                    e.getOriginalMessage(), at.getLineNr(), at.getColumnNr()).with("field", "body");
        } catch (IOException e) {
            throw GatewayError.of(ErrorType.INVALID_REQUEST, "request body is not valid JSON").with("field", "body");
        }
        return new RequestBody(bytes, true, model, stream);
    }

    /**
     * JSON by content type, or by its first byte: {@code curl -d} labels JSON as a form, and SDKs for
     * some providers send no type at all. Other uploads (multipart audio, plain text) pass unread.
     */
    private static boolean looksJson(String contentType, byte[] bytes) {
        if (contentType != null) {
            String ct = contentType.toLowerCase(java.util.Locale.ROOT);
            if (ct.startsWith("application/json") || ct.contains("+json")) {
                return true;
            }
        }
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return b == '{' && (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/"));
            }
        }
        return false;
    }

    public int size() {
        return bytes.length;
    }
}
