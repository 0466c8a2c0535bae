package dev.fairway.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Google Gemini {@code models/{model}:generateContent} and {@code :streamGenerateContent}. The stream
 * is SSE with {@code ?alt=sse}; without it Google streams one JSON array, element by element.
 */
final class GoogleFormat implements StreamingFormat {

    private final boolean streamEndpoint;

    GoogleFormat(boolean streamEndpoint) {
        this.streamEndpoint = streamEndpoint;
    }

    @Override
    public Prompt prompt(JsonNode body) {
        JsonNode system = body.path("systemInstruction");
        List<String> systemTexts = system.isObject() ? List.of(Texts.of(system.path("parts"))) : List.of();
        return Texts.chat(body.path("contents"), systemTexts, "parts", "user");
    }

    @Override
    public boolean streaming(JsonNode body, String query) {
        return streamEndpoint;
    }

    @Override
    public ErrorShape errorShape() {
        return ErrorShape.GOOGLE;
    }

    @Override
    public String defaultModel() {
        return "gemini-mock";
    }

    @Override
    public String contentType(Exchange ex) {
        return sse(ex) ? "text/event-stream" : "application/json";
    }

    @Override
    public JsonNode reply(Exchange ex) {
        return chunk(ex, ex.answer().text(), true);
    }

    /** Every chunk is a whole response; only the last has the finish reason and the usage. */
    @Override
    public List<Frame> stream(Exchange ex) {
        List<String> chunks = ex.answer().chunks();
        boolean sse = sse(ex);
        List<Frame> frames = new ArrayList<>(chunks.size() + 2);
        if (!sse) {
            frames.add(Frame.text("[", false));
        }
        for (int i = 0; i < chunks.size(); i++) {
            ObjectNode chunk = chunk(ex, chunks.get(i), i == chunks.size() - 1);
            frames.add(sse ? Frame.data(chunk, true) : Frame.text((i == 0 ? "" : ",\r\n") + Json.write(chunk), true));
        }
        if (!sse) {
            frames.add(Frame.text("]", false));
        }
        return frames;
    }

    @Override
    public Frame errorFrame(Exchange ex, int contentFramesSent) {
        ObjectNode error = ErrorShape.GOOGLE.body(500, "Internal error encountered (mock error event)", ex.ids());
        if (sse(ex)) {
            return Frame.data(error, false);
        }
        return Frame.text((contentFramesSent == 0 ? "" : ",\r\n") + Json.write(error) + "]", false);
    }

    private static ObjectNode chunk(Exchange ex, String text, boolean last) {
        ObjectNode body = Json.object();
        ObjectNode candidate = body.putArray("candidates").addObject();
        ObjectNode content = candidate.putObject("content");
        content.putArray("parts").addObject().put("text", text);
        content.put("role", "model");
        if (last) {
            candidate.put("finishReason", "STOP");
        }
        candidate.put("index", 0);
        if (last) {
            Answer a = ex.answer();
            ObjectNode usage = body.putObject("usageMetadata")
                    .put("promptTokenCount", a.inputTokens())
                    .put("candidatesTokenCount", a.outputTokens())
                    .put("totalTokenCount", a.totalTokens());
            if (a.cachedTokens() > 0) {
                usage.put("cachedContentTokenCount", a.cachedTokens());
            }
        }
        body.put("modelVersion", ex.model());
        body.put("responseId", ex.ids().id(""));
        return body;
    }

    private static boolean sse(Exchange ex) {
        for (String param : ex.query().split("&")) {
            if (param.equals("alt=sse")) {
                return true;
            }
        }
        return false;
    }
}
