package dev.fairway.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fairway.error.GatewayError;
import dev.fairway.provider.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each translation direction against golden files: request out, answer back, stream back (split anywhere). */
class TranslatorGoldenTest {

    @ParameterizedTest
    @ValueSource(strings = {"anthropic", "google", "cohere"})
    void requestTranslation(String provider) throws IOException {
        ObjectNode chat = (ObjectNode) Json.MAPPER.readTree(resource("chat-request.json"));
        String model = switch (provider) {
            case "anthropic" -> "claude-sonnet-4-5";
            case "cohere" -> "command-a-03-2025";
            default -> "gemini-2.5-flash";
        };
        UpstreamCall call = translator(provider).request(chat, model);
        assertThat(Json.MAPPER.readTree(call.body())).isEqualTo(Json.MAPPER.readTree(resource(provider + "/request.expected.json")));
        if (provider.equals("anthropic")) {
            assertThat(call.path()).isEqualTo("v1/messages");
            assertThat(call.headers()).containsEntry("anthropic-version", "2023-06-01");
        } else if (provider.equals("cohere")) {
            // Cohere v2 chat: POST https://api.cohere.com/v2/chat (docs.cohere.com/reference/chat).
            assertThat(call.path()).isEqualTo("v2/chat");
        } else {
            assertThat(call.path()).isEqualTo("v1beta/models/gemini-2.5-flash:generateContent");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"anthropic", "google", "cohere"})
    void answerTranslation(String provider) throws IOException {
        byte[] out = translator(provider).response(200, resource(provider + "/response.upstream.json"), "m");
        assertThat(normalize(new String(out, StandardCharsets.UTF_8)))
                .isEqualTo(new String(resource(provider + "/response.expected.json"), StandardCharsets.UTF_8).strip());
    }

    @ParameterizedTest
    @ValueSource(strings = {"anthropic", "google", "cohere"})
    void streamTranslationSplitAnywhere(String provider) throws IOException {
        byte[] upstream = resource(provider + "/stream.upstream.sse");
        String expected = new String(resource(provider + "/stream.expected.sse"), StandardCharsets.UTF_8);
        Random random = new Random(42);
        for (int round = 0; round < 50; round++) {
            StreamTranslator t = translator(provider).stream("m", true);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int pos = 0;
            while (pos < upstream.length) {
                // Pieces of 1 to 40 bytes: cuts land mid-line, mid-event and inside the two-byte "ü".
                int n = Math.min(upstream.length - pos, 1 + random.nextInt(40));
                out.writeBytes(t.feed(ByteBuffer.wrap(upstream, pos, n).slice()));
                pos += n;
            }
            out.writeBytes(t.finish());
            assertThat(normalize(out.toString(StandardCharsets.UTF_8))).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"anthropic", "google", "cohere"})
    void providerErrorsBecomeOpenAiErrors(String provider) {
        String body = switch (provider) {
            case "anthropic" -> "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}";
            case "cohere" -> "{\"id\":\"e1\",\"message\":\"Quota exceeded\"}";
            default -> "{\"error\":{\"code\":429,\"message\":\"Quota exceeded\",\"status\":\"RESOURCE_EXHAUSTED\"}}";
        };
        String out = new String(translator(provider).response(529, body.getBytes(StandardCharsets.UTF_8), "m"), StandardCharsets.UTF_8);
        assertThat(out).startsWith("{\"error\":{\"message\":").contains(provider.equals("anthropic") ? "Overloaded" : "Quota exceeded");
    }

    @ParameterizedTest
    @ValueSource(strings = {"anthropic", "google", "cohere"})
    void untranslatableRequestsNameTheField(String provider) throws IOException {
        ObjectNode chat = (ObjectNode) Json.MAPPER.readTree("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\"}]}]}");
        GatewayError e = catchThrowableOfType(GatewayError.class, () -> translator(provider).request(chat, "m"));
        assertThat(e.details()).containsEntry("field", "messages[0].content[0].type");
        ObjectNode empty = (ObjectNode) Json.MAPPER.readTree("{\"messages\":[]}");
        assertThat(catchThrowableOfType(GatewayError.class, () -> translator(provider).request(empty, "m")).details())
                .containsEntry("field", "messages");
    }

    private static ChatTranslator translator(String provider) {
        return Translators.fromOpenAiChat(WireFormat.fromConfig(provider.equals("anthropic") || provider.equals("cohere") ? provider : "google"));
    }

    private static String normalize(String s) {
        return s.replaceAll("\"created\":\\d+", "\"created\":0");
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = TranslatorGoldenTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }
}
