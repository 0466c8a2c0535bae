package dev.fairway.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fairway.pipeline.Usage;
import dev.fairway.sse.SseEvent;
import java.io.ByteArrayOutputStream;

/** Google's streamGenerateContent ({@code alt=sse}) chunks as OpenAI chunks. */
final class GoogleStream extends SseStreamTranslator {
    private final String requestedModel;
    private final boolean includeUsage;
    private OpenAiChunks chunks;
    private Usage usage;
    private String finish;
    private int tools;
    private boolean failed;

    GoogleStream(String requestedModel, boolean includeUsage) {
        this.requestedModel = requestedModel;
        this.includeUsage = includeUsage;
    }

    @Override
    void ended(ByteArrayOutputStream out) {
        if (!failed) {
            // Google has no end event: the stream's clean end is the end of the answer.
            out.writeBytes(opened(null).delta(Json.object(), finish == null ? "stop" : finish));
            if (includeUsage && usage != null) {
                out.writeBytes(opened(null).usageChunk(usage));
            }
            out.writeBytes(OpenAiChunks.done());
        }
    }

    @Override
    void translate(SseEvent event, ByteArrayOutputStream out) {
        JsonNode data = Json.parse(event.data());
        if (data == null || failed) {
            return;
        }
        if (data.has("error")) {
            failed = true;
            out.writeBytes(OpenAiChunks.errorEvent(data.path("error").path("message").asText("the provider reported an error"),
                    data.path("error").path("status").asText("upstream_error")));
            return;
        }
        boolean first = chunks == null;
        OpenAiChunks c = opened(data);
        if (first) {
            out.writeBytes(c.delta(Json.object().put("role", "assistant").put("content", ""), null));
        }
        OpenAiToGoogle.Candidate candidate = OpenAiToGoogle.Candidate.read(data, tools);
        if (!candidate.text().isEmpty()) {
            out.writeBytes(c.delta(Json.object().put("content", candidate.text()), null));
        }
        if (!candidate.calls().isEmpty()) {
            tools += candidate.calls().size();
            ObjectNode delta = Json.object();
            delta.set("tool_calls", candidate.calls());
            out.writeBytes(c.delta(delta, null));
            finish = "tool_calls";
        }
        if (candidate.finishReason() != null && !"tool_calls".equals(finish)) {
            finish = OpenAiToGoogle.finishReason(candidate.finishReason());
        }
        Usage u = OpenAiToGoogle.usage(data.path("usageMetadata"));
        if (u != null) {
            usage = u;
        }
    }

    private OpenAiChunks opened(JsonNode data) {
        if (chunks == null) {
            String id = data == null ? "gen-unknown" : data.path("responseId").asText("gen-unknown");
            String model = data == null ? requestedModel : data.path("modelVersion").asText(requestedModel);
            chunks = new OpenAiChunks(id, model, Clock.seconds());
        }
        return chunks;
    }
}
