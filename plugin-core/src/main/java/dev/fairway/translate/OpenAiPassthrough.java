package dev.fairway.translate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.util.Map;

/** OpenAI-compatible providers: the request goes as is with the model renamed; answers pass unchanged. */
final class OpenAiPassthrough implements ChatTranslator {
    private static final StreamTranslator IDENTITY = new StreamTranslator() {
        @Override
        public byte[] feed(ByteBuffer chunk) {
            byte[] b = new byte[chunk.remaining()];
            chunk.duplicate().get(b);
            return b;
        }

        @Override
        public byte[] finish() {
            return new byte[0];
        }
    };

    @Override
    public UpstreamCall request(ObjectNode chat, String model) {
        ChatRequest.messages(chat);
        ObjectNode copy = chat.deepCopy();
        copy.put("model", model);
        return route(chat, model).with(Json.bytes(copy));
    }

    @Override
    public Route route(ObjectNode chat, String model) {
        return new Route("chat/completions", ChatRequest.stream(chat), Map.of());
    }

    @Override
    public byte[] response(int status, byte[] upstream, String model) {
        return upstream;
    }

    @Override
    public StreamTranslator stream(String model, boolean includeUsage) {
        return IDENTITY;
    }

    /** Whether answers need no translation at all, so the dispatcher can relay them untouched. */
    static boolean isPassthrough(ChatTranslator t) {
        return t instanceof OpenAiPassthrough;
    }
}
