package dev.fairway.usage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.fairway.mock.MockOptions;
import dev.fairway.pipeline.Completion;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.Stage;
import dev.fairway.pipeline.Step;
import dev.fairway.pipeline.Usage;
import dev.fairway.testing.GatewayHarness;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.eventstream.Message;
import software.amazon.awssdk.eventstream.MessageDecoder;

/**
 * Issue 19 item 17: the provider stream formats the gateway must relay untouched and still meter.
 * Mistral reports stream usage on its last chunk without being asked (it has no stream_options);
 * Bedrock's converse-stream and invoke-with-response-stream are AWS binary event streams. Each answer
 * must reach the client byte for byte as the provider sent it, and its usage must be counted.
 */
class ProviderWireFormatsEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final BlockingQueue<Completion> COMPLETIONS = new LinkedBlockingQueue<>();
    private static GatewayHarness gateway;

    /** Records how each exchange ended, usage included. */
    private static final class Completions implements Stage {
        @Override
        public String name() {
            return "test-completions";
        }

        @Override
        public Step open(Exchange exchange) {
            return new Step() {
                @Override
                public void afterCompletion(Completion completion) {
                    COMPLETIONS.add(completion);
                }
            };
        }
    }

    @BeforeAll
    static void start() {
        gateway = GatewayHarness.start("", MockOptions.defaults(), b -> b.stage(new Completions()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static Completion nextCompletion() throws InterruptedException {
        Completion c = COMPLETIONS.poll(20, TimeUnit.SECONDS);
        assertThat(c).as("the exchange completed").isNotNull();
        return c;
    }

    private static HttpResponse<byte[]> post(String url, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return gateway.http().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static List<Message> decode(byte[] body) {
        List<Message> messages = new ArrayList<>();
        MessageDecoder decoder = new MessageDecoder(messages::add);
        decoder.feed(ByteBuffer.wrap(body));
        return messages;
    }

    @Test
    void mistralStreamPassesUnchangedAndItsLastChunkUsageIsMetered() throws Exception {
        COMPLETIONS.clear();
        String request = "{\"model\":\"mistral-small-latest\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"bonjour tout le monde\"}]}";
        HttpResponse<byte[]> viaGateway = post(gateway.baseUrl() + "/mistral/v1/chat/completions", request, "x-mock-chunks", "3");
        Completion completion = nextCompletion();
        HttpResponse<byte[]> direct = post(gateway.mock().baseUrl() + "/mistral/v1/chat/completions", request, "x-mock-chunks", "3");
        assertThat(viaGateway.statusCode()).isEqualTo(200);
        assertThat(new String(viaGateway.body())).isEqualTo(new String(direct.body()));
        // The gateway did not ask Mistral for usage (Mistral has no stream_options): the request went as sent.
        assertThat(new String(gateway.mock().requests().get(gateway.mock().requestCount() - 2).body())).isEqualTo(request);
        String[] events = new String(direct.body()).split("\n\n");
        JsonNode usage = JSON.readTree(events[events.length - 2].substring("data: ".length())).get("usage");
        assertThat(completion.usage()).isEqualTo(new Usage(usage.get("prompt_tokens").asLong(), usage.get("completion_tokens").asLong(), 0));
    }

    @Test
    void theOpenAiSdkOnMistralsPathSeesTheUsageChunk() throws Exception {
        COMPLETIONS.clear();
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl() + "/mistral/v1").apiKey("unused").build();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (var stream = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model("mistral-small-latest").addUserMessage("salut").build())) {
            stream.stream().forEach(chunks::add);
        } finally {
            client.close();
        }
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.choices().get(0).finishReason()).isPresent();
        assertThat(last.usage()).isPresent();
        Completion completion = nextCompletion();
        assertThat(completion.usage().inputTokens()).isEqualTo(last.usage().orElseThrow().promptTokens());
        assertThat(completion.usage().outputTokens()).isEqualTo(last.usage().orElseThrow().completionTokens());
    }

    @Test
    void bedrockConverseStreamPassesUnchangedAndIsMetered() throws Exception {
        COMPLETIONS.clear();
        String request = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"hello event stream\"}]}]}";
        String path = "/model/amazon.nova-lite-v1:0/converse-stream";
        HttpResponse<byte[]> viaGateway = post(gateway.baseUrl() + "/aws-bedrock/bedrock-runtime/us-east-1" + path, request,
                "x-mock-chunks", "4");
        Completion completion = nextCompletion();
        HttpResponse<byte[]> direct = post(gateway.mock().baseUrl() + path, request, "x-mock-chunks", "4");
        assertThat(viaGateway.statusCode()).isEqualTo(200);
        assertThat(viaGateway.headers().firstValue("content-type")).hasValue("application/vnd.amazon.eventstream");
        assertThat(viaGateway.body()).isEqualTo(direct.body());
        List<Message> messages = decode(viaGateway.body());
        Message metadata = messages.get(messages.size() - 1);
        assertThat(metadata.getHeaders().get(":event-type").getString()).isEqualTo("metadata");
        JsonNode usage = JSON.readTree(metadata.getPayload()).get("usage");
        assertThat(completion.usage()).isEqualTo(new Usage(usage.get("inputTokens").asLong(), usage.get("outputTokens").asLong(), 0));
        assertThat(completion.usage().outputTokens()).isPositive();
    }

    @Test
    void bedrockInvokeWithResponseStreamPassesUnchangedAndIsMetered() throws Exception {
        COMPLETIONS.clear();
        String request = "{\"anthropic_version\":\"bedrock-2023-05-31\",\"max_tokens\":64,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hello wrapped events\"}]}";
        String path = "/model/anthropic.claude-3-haiku-20240307-v1:0/invoke-with-response-stream";
        HttpResponse<byte[]> viaGateway = post(gateway.baseUrl() + "/aws-bedrock/bedrock-runtime/us-east-1" + path, request);
        Completion completion = nextCompletion();
        HttpResponse<byte[]> direct = post(gateway.mock().baseUrl() + path, request);
        assertThat(viaGateway.statusCode()).isEqualTo(200);
        assertThat(viaGateway.body()).isEqualTo(direct.body());
        List<Message> messages = decode(viaGateway.body());
        JsonNode last = JSON.readTree(Base64.getDecoder().decode(
                JSON.readTree(messages.get(messages.size() - 1).getPayload()).get("bytes").asText()));
        JsonNode metrics = last.get("amazon-bedrock-invocationMetrics");
        assertThat(completion.usage()).isEqualTo(new Usage(metrics.get("inputTokenCount").asLong(), metrics.get("outputTokenCount").asLong(), 0));
    }
}
