package dev.fairway.guardrail;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.fairway.body.RequestBody;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;

/**
 * The text of a request (or answer) body, one piece at a time: each JSON string value of a JSON body (keys,
 * numbers and structure carry no prose), or the whole body decoded as UTF-8 otherwise.
 */
final class BodyText {
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(256).maxStringLength(Integer.MAX_VALUE).build())
            .build();

    private BodyText() {}

    /**
     * Hands each piece of text to {@code visitor} until it returns false.
     */
    static void visit(RequestBody body, Predicate<CharSequence> visitor) {
        if (!body.json() || body.size() == 0) {
            visit(body.bytes(), body.json(), visitor);
            return;
        }
        // The request's tree, walked: the body was parsed once for the whole request.
        try (JsonParser p = body.node().traverse()) {
            visit(p, visitor);
        } catch (IOException | RuntimeException e) {
            // Should the walk still fail, scan the body whole rather than let unparsed text through unchecked.
            visitor.test(new String(body.bytes(), StandardCharsets.UTF_8));
        }
    }

    /** As {@link #visit(RequestBody, Predicate)}, for any body: an answer, say. */
    static void visit(byte[] bytes, boolean json, Predicate<CharSequence> visitor) {
        if (bytes.length == 0) {
            return;
        }
        if (!json) {
            visitor.test(new String(bytes, StandardCharsets.UTF_8));
            return;
        }
        try (JsonParser p = JSON.createParser(bytes)) {
            visit(p, visitor);
        } catch (IOException e) {
            // The body was parsed once already (RequestBody.scan); should this pass still fail, scan
            // it whole rather than let unparsed text through unchecked.
            visitor.test(new String(bytes, StandardCharsets.UTF_8));
        }
    }

    private static void visit(JsonParser p, Predicate<CharSequence> visitor) throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) != null) {
            if (t == JsonToken.VALUE_STRING) {
                String s = p.getText();
                // Inline images and audio (data: URLs) are base64, not text a person wrote.
                if (!s.startsWith("data:") && !visitor.test(s)) {
                    return;
                }
            }
        }
    }
}
