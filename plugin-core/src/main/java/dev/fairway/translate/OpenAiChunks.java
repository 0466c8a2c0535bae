package dev.fairway.translate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fairway.pipeline.Usage;
import java.nio.charset.StandardCharsets;

/** Builds the OpenAI side of a translation: completions, chunks, usage and errors, as OpenAI shapes them. */
final class OpenAiChunks {
    private final String id;
    private final String model;
    private final long created;

    OpenAiChunks(String id, String model, long created) {
        this.id = id;
        this.model = model;
        this.created = created;
    }

    ObjectNode completion(ObjectNode message, String finishReason, Usage usage) {
        ObjectNode c = head("chat.completion");
        ObjectNode choice = c.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("message", message);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        if (usage != null) {
            c.set("usage", usage(usage));
        }
        return c;
    }

    /** A chunk with one choice whose delta is {@code delta}; {@code finishReason} may be null. */
    byte[] delta(ObjectNode delta, String finishReason) {
        ObjectNode c = head("chat.completion.chunk");
        ObjectNode choice = c.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return event(c);
    }

    /** The usage-only chunk OpenAI sends last when {@code stream_options.include_usage} is set. */
    byte[] usageChunk(Usage usage) {
        ObjectNode c = head("chat.completion.chunk");
        c.putArray("choices");
        c.set("usage", usage(usage));
        return event(c);
    }

    static byte[] done() {
        return "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);
    }

    static byte[] errorEvent(String message, String type) {
        ObjectNode e = Json.object();
        ObjectNode err = e.putObject("error");
        err.put("message", message);
        err.put("type", type);
        err.putNull("param");
        err.putNull("code");
        return event(e);
    }

    static ObjectNode error(int status, String message, String type) {
        ObjectNode e = Json.object();
        ObjectNode err = e.putObject("error");
        err.put("message", message);
        err.put("type", type);
        err.putNull("param");
        err.put("code", String.valueOf(status));
        return e;
    }

    static ObjectNode usage(Usage usage) {
        ObjectNode u = Json.object();
        u.put("prompt_tokens", usage.inputTokens());
        u.put("completion_tokens", usage.outputTokens());
        u.put("total_tokens", usage.totalTokens());
        u.putObject("prompt_tokens_details").put("cached_tokens", usage.cachedInputTokens());
        return u;
    }

    /** The assistant message of a whole answer: text (null when only tools were called) and tool calls. */
    static ObjectNode assistantMessage(String text, ArrayNode calls) {
        ObjectNode message = Json.object();
        message.put("role", "assistant");
        if (text.isEmpty() && !calls.isEmpty()) {
            message.putNull("content");
        } else {
            message.put("content", text);
        }
        if (!calls.isEmpty()) {
            // Streamed tool calls carry an index; whole messages do not.
            calls.forEach(c -> ((ObjectNode) c).remove("index"));
            message.set("tool_calls", calls);
        }
        message.putNull("refusal");
        return message;
    }

    static ObjectNode toolCall(int index, String id, String name, String arguments) {
        ObjectNode call = Json.object();
        call.put("index", index);
        if (id != null) {
            call.put("id", id);
            call.put("type", "function");
        }
        ObjectNode fn = call.putObject("function");
        if (name != null) {
            fn.put("name", name);
        }
        fn.put("arguments", arguments);
        return call;
    }

    static ArrayNode single(ObjectNode node) {
        ArrayNode a = Json.array();
        a.add(node);
        return a;
    }

    private ObjectNode head(String object) {
        ObjectNode c = Json.object();
        c.put("id", id);
        c.put("object", object);
        c.put("created", created);
        c.put("model", model);
        return c;
    }

    private static byte[] event(ObjectNode node) {
        return ("data: " + node + "\n\n").getBytes(StandardCharsets.UTF_8);
    }
}
