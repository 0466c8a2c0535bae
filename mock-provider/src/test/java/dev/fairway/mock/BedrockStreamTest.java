package dev.fairway.mock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.eventstream.Message;
import software.amazon.awssdk.eventstream.MessageDecoder;

/**
 * Bedrock's streaming operations in AWS's binary event-stream framing, decoded with AWS's own
 * decoder (which checks both CRCs): what the AWS SDK reads, the mock must write.
 */
class BedrockStreamTest {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    static MockProvider mock;

    @BeforeAll
    static void start() {
        mock = MockProvider.start(MockOptions.defaults());
    }

    @AfterAll
    static void stop() {
        mock.close();
    }

    static HttpResponse<byte[]> post(String base, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Every message of a stream, decoded by AWS's decoder fed a few bytes at a time. */
    static List<Message> decode(byte[] body) {
        List<Message> messages = new ArrayList<>();
        MessageDecoder decoder = new MessageDecoder(messages::add);
        for (int i = 0; i < body.length; i += 7) {
            decoder.feed(ByteBuffer.wrap(body, i, Math.min(7, body.length - i)));
        }
        return messages;
    }

    static String header(Message m, String name) {
        return m.getHeaders().get(name).getString();
    }

    static JsonNode payload(Message m) throws Exception {
        return Http.JSON.readTree(m.getPayload());
    }

    @Test
    void converseStreamSendsEventsUsageLast() throws Exception {
        HttpResponse<byte[]> r = post(mock.baseUrl(), "/model/amazon.nova-lite-v1%3A0/converse-stream", BedrockTest.CONVERSE,
                "x-mock-chunks", "3");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/vnd.amazon.eventstream");
        List<Message> messages = decode(r.body());
        assertThat(messages).extracting(m -> header(m, ":event-type")).containsExactly(
                "messageStart", "contentBlockDelta", "contentBlockDelta", "contentBlockDelta", "contentBlockStop", "messageStop", "metadata");
        assertThat(messages).allSatisfy(m -> {
            assertThat(header(m, ":message-type")).isEqualTo("event");
            assertThat(header(m, ":content-type")).isEqualTo("application/json");
        });
        StringBuilder text = new StringBuilder();
        for (Message m : messages.subList(1, 4)) {
            text.append(payload(m).at("/delta/text").asText());
        }
        JsonNode whole = Http.postJson(mock, "/model/amazon.nova-lite-v1%3A0/converse", BedrockTest.CONVERSE, "x-mock-chunks", "3");
        assertThat(text.toString()).isEqualTo(whole.at("/output/message/content/0/text").asText());
        assertThat(payload(messages.get(6)).get("usage")).isEqualTo(whole.get("usage"));
    }

    @Test
    void invokeWithResponseStreamWrapsAnthropicEventsInBytes() throws Exception {
        HttpResponse<byte[]> r = post(mock.baseUrl(), "/model/anthropic.claude-3-haiku-20240307-v1:0/invoke-with-response-stream",
                BedrockTest.INVOKE, "x-mock-chunks", "2");
        assertThat(r.statusCode()).isEqualTo(200);
        List<Message> messages = decode(r.body());
        List<String> types = new ArrayList<>();
        JsonNode last = null;
        for (Message m : messages) {
            assertThat(header(m, ":event-type")).isEqualTo("chunk");
            JsonNode event = Http.JSON.readTree(Base64.getDecoder().decode(payload(m).get("bytes").asText()));
            types.add(event.get("type").asText());
            last = event;
        }
        assertThat(types).containsExactly("message_start", "content_block_start", "content_block_delta", "content_block_delta",
                "content_block_stop", "message_delta", "message_stop");
        JsonNode whole = Http.postJson(mock, "/model/anthropic.claude-3-haiku-20240307-v1:0/invoke", BedrockTest.INVOKE,
                "x-mock-chunks", "2");
        assertThat(last.at("/amazon-bedrock-invocationMetrics/inputTokenCount").asInt()).isEqualTo(whole.at("/usage/input_tokens").asInt());
        assertThat(last.at("/amazon-bedrock-invocationMetrics/outputTokenCount").asInt()).isEqualTo(whole.at("/usage/output_tokens").asInt());
    }

    @Test
    void aFailureMidStreamIsAnExceptionMessage() throws Exception {
        HttpResponse<byte[]> r = post(mock.baseUrl(), "/model/m/converse-stream", BedrockTest.CONVERSE, "x-mock-error-event", "true");
        List<Message> messages = decode(r.body());
        Message last = messages.get(messages.size() - 1);
        assertThat(header(last, ":message-type")).isEqualTo("exception");
        assertThat(header(last, ":exception-type")).isEqualTo("modelStreamErrorException");
        assertThat(new String(last.getPayload(), StandardCharsets.UTF_8)).contains("mock error event");
    }
}
