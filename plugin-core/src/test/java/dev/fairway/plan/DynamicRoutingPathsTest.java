package dev.fairway.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fairway.mock.MockOptions;
import dev.fairway.mock.RecordedRequest;
import dev.fairway.testing.GatewayHarness;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code model: "dynamic/<flow>"} on provider paths, prompts rendered before the flow routes, and
 * the reserved {@code fairway.} metadata keys: through the standalone gateway and the mock provider.
 */
class DynamicRoutingPathsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HELLO = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
    private static GatewayHarness gw;

    @BeforeAll
    static void start() {
        gw = GatewayHarness.start("""
                flows:
                  tiers:
                    elements:
                      - {id: start, type: start, outputs: {next: {elementId: plan}}}
                      - id: plan
                        type: conditional
                        properties: {condition: {metadata.plan: {$eq: paid}}}
                        outputs: {"true": {elementId: paid}, "false": {elementId: free}}
                      - {id: paid, type: model, properties: {provider: anthropic, model: claude-sonnet-4-5}, outputs: {success: {elementId: end}}}
                      - {id: free, type: model, properties: {provider: openai, model: gpt-4o-mini}, outputs: {success: {elementId: end}}}
                      - {id: end, type: end}
                  by-length:
                    elements:
                      - {id: start, type: start, outputs: {next: {elementId: long}}}
                      - id: long
                        type: conditional
                        properties: {condition: {body.max_tokens: {$gt: 1000}}}
                        outputs: {"true": {elementId: big}, "false": {elementId: small}}
                      - {id: big, type: model, properties: {provider: openai, model: gpt-4o}, outputs: {success: {elementId: end}}}
                      - {id: small, type: model, properties: {provider: openai, model: gpt-4o-mini}, outputs: {success: {elementId: end}}}
                      - {id: end, type: end}
                prompts:
                  - name: support
                    versions:
                      - messages:
                          - {role: system, content: "You answer for {{company}}."}
                          - {role: user, content: "{{question}}"}
                        model: dynamic/by-length
                        parameters: {max_tokens: 2000}
                  - name: plain
                    versions:
                      - messages: [{role: user, content: "{{question}}"}]
                """, MockOptions.defaults());
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @Test
    void aDynamicModelOnTheOpenAiChatPathIsRoutedByTheFlow() throws Exception {
        gw.mock().reset();
        HttpResponse<String> free = gw.post("/openai/v1/chat/completions", "{\"model\":\"dynamic/tiers\"," + HELLO + "}");
        assertThat(free.statusCode()).isEqualTo(200);
        assertThat(free.headers().firstValue("fairway-flow")).hasValue("tiers@1; branch=free");
        assertThat(last().model()).hasValue("gpt-4o-mini");

        HttpResponse<String> paid = gw.post("/openai/chat/completions", "{\"model\":\"dynamic/tiers\"," + HELLO + "}",
                "cf-aig-metadata", "{\"plan\":\"paid\"}");
        assertThat(paid.statusCode()).isEqualTo(200);
        assertThat(paid.headers().firstValue("fairway-flow")).hasValue("tiers@1; branch=paid");
        assertThat(paid.headers().firstValue("cf-aig-provider")).hasValue("anthropic");
        // Translated for the anthropic model, and back: the OpenAI client gets a chat completion.
        assertThat(last().model()).hasValue("claude-sonnet-4-5");
        assertThat(JSON.readTree(paid.body()).path("object").asText()).isEqualTo("chat.completion");
    }

    @Test
    void aDynamicModelWhereTheRequestIsNotOpenAiChatIsA400NamingTheModelField() throws Exception {
        int before = gw.mock().requestCount();
        HttpResponse<String> messages = gw.post("/anthropic/v1/messages", "{\"model\":\"dynamic/tiers\",\"max_tokens\":10," + HELLO + "}");
        assertThat(messages.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(messages.body());
        assertThat(error.toString()).contains("\"field\":\"model\"", "dynamic/tiers", "OpenAI chat completions only");
        HttpResponse<String> embeddings = gw.post("/openai/v1/embeddings", "{\"model\":\"dynamic/tiers\",\"input\":\"hi\"}");
        assertThat(embeddings.statusCode()).isEqualTo(400);
        assertThat(embeddings.body()).contains("\"field\":\"model\"");
        assertThat(gw.post("/nowhere/v1/chat/completions", "{\"model\":\"dynamic/tiers\"," + HELLO + "}").statusCode())
                .as("an unknown provider stays a 404").isEqualTo(404);
        assertThat(gw.mock().requestCount()).as("nothing is sent upstream unresolved").isEqualTo(before);
    }

    @Test
    void aPromptIsRenderedFirstThenItsDynamicModelIsRoutedOnTheRenderedBody() throws Exception {
        gw.mock().reset();
        HttpResponse<String> r = gw.post("/compat/chat/completions",
                "{\"variables\":{\"company\":\"Acme\",\"question\":\"Where is my order?\"}}", "fairway-prompt", "support@1");
        assertThat(r.statusCode()).isEqualTo(200);
        // The prompt's parameters (max_tokens 2000) are what the flow's condition read.
        assertThat(r.headers().firstValue("fairway-flow")).hasValue("by-length@1; branch=big");
        JsonNode sent = JSON.readTree(last().body());
        assertThat(sent.get("model").asText()).isEqualTo("gpt-4o");
        assertThat(sent.at("/messages/0/content").asText()).isEqualTo("You answer for Acme.");
        assertThat(sent.at("/messages/1/content").asText()).isEqualTo("Where is my order?");
        assertThat(sent.has("variables")).isFalse();
    }

    @Test
    void aPromptWithoutAModelKeepsTheRequestsDynamicModelOnAProviderPath() throws Exception {
        gw.mock().reset();
        HttpResponse<String> r = gw.post("/openai/v1/chat/completions",
                "{\"model\":\"dynamic/tiers\",\"variables\":{\"question\":\"Hello?\"}}", "fairway-prompt", "plain");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("fairway-flow")).hasValue("tiers@1; branch=free");
        JsonNode sent = JSON.readTree(last().body());
        assertThat(sent.get("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(sent.at("/messages/0/content").asText()).isEqualTo("Hello?");
    }

    @Test
    void aClientMetadataKeyUnderTheReservedPrefixIsA400NamingTheKey() throws Exception {
        int before = gw.mock().requestCount();
        String chat = "{\"model\":\"gpt-4o-mini\"," + HELLO + "}";
        // Refused on this lenient route too: the value would pass for the gateway's own arm in analytics.
        HttpResponse<String> r = gw.post("/openai/v1/chat/completions", chat, "cf-aig-metadata", "{\"user\":\"a\",\"fairway.experiment.tone\":\"brief\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(r.body());
        assertThat(error.toString()).contains("\"header\":\"cf-aig-metadata\"", "\"key\":\"fairway.experiment.tone\"", "reserved");
        assertThat(gw.post("/openai/v1/chat/completions", chat, "cf-aig-metadata", "{\"Fairway.Flow\":\"x\"}").statusCode()).isEqualTo(400);
        assertThat(gw.mock().requestCount()).isEqualTo(before);
        // Keys that merely contain the word are the client's.
        assertThat(gw.post("/openai/v1/chat/completions", chat, "cf-aig-metadata", "{\"my.fairway.flow\":\"x\",\"fairway\":1}").statusCode())
                .isEqualTo(200);
    }

    private static RecordedRequest last() {
        return gw.mock().requests().get(gw.mock().requests().size() - 1);
    }
}
