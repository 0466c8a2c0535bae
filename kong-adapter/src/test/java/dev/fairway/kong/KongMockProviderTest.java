package dev.fairway.kong;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.Fairway;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.RouteConfig;
import dev.fairway.kong.pdk.KongDriver;
import dev.fairway.kong.pdk.KongDriver.PluginConf;
import dev.fairway.kong.pdk.KongRequest;
import dev.fairway.kong.pdk.PluginServer;
import dev.fairway.mock.MockOptions;
import dev.fairway.mock.MockProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chain against the project's mock provider, in OpenAI's and Anthropic's wire formats, streamed and not. */
class KongMockProviderTest {
    @TempDir
    Path dir;

    MockProvider mock;
    Fairway fairway;
    PluginServer<RouteConfig> server;
    KongDriver kong;
    PluginConf conf;

    @BeforeEach
    void start() throws Exception {
        mock = MockProvider.start(MockOptions.builder().port(0).build());
        fairway = Fairway.builder(FairwayKongPluginTest.config(dir.resolve("spool"))).dispatcherEndpoint(true).start();
        server = PluginServer.builder(FairwayKongPlugin.builder(fairway).loader(ConfigLoader.withEnv(Map.of())).build())
                .socket(dir.resolve("fairway.socket")).build().start();
        kong = new KongDriver(server.socket(), "fairway");
        conf = new PluginConf("p", 1, Map.of("name", "ai", "prefix", "/ai", "providers", Map.of(
                "openai", Map.of("base_url", mock.baseUrl() + "/v1", "api_key", "sk-gateway"),
                "anthropic", Map.of("base_url", mock.baseUrl(), "api_key", "sk-ant-gateway"))));
    }

    @AfterEach
    void stop() throws Exception {
        kong.close();
        server.close();
        fairway.close();
        mock.close();
    }

    private HttpResponse<String> through(String path, String body, String... headers) throws Exception {
        KongRequest req = KongRequest.post(path).header("content-type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            req.header(headers[i], headers[i + 1]);
        }
        kong.handle(conf, "access", req.body(body));
        assertThat(req.forwarded()).as("forwarded, not answered: %s", req.exitText()).isTrue();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + req.targetHost + ":" + req.targetPort + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(req.upstreamBody != null ? req.upstreamBody : req.body));
        req.upstreamHeaders.forEach(b::header);
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString(UTF_8));
    }

    @Test
    void openAiChatStreamedAndNot() throws Exception {
        HttpResponse<String> plain = through("/ai/openai/v1/chat/completions",
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        HttpResponse<String> streamed = through("/ai/openai/v1/chat/completions",
                "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.body()).contains("\"choices\"");
        assertThat(plain.headers().firstValue("cf-aig-log-id")).isPresent();
        assertThat(streamed.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        List<String> data = streamed.body().lines().filter(l -> l.startsWith("data: ")).toList();
        assertThat(data).hasSizeGreaterThan(2).last().isEqualTo("data: [DONE]");
        assertThat(mock.requests()).allSatisfy(r -> assertThat(r.header("authorization")).hasValue("Bearer sk-gateway"));
    }

    @Test
    void anthropicMessages() throws Exception {
        HttpResponse<String> r = through("/ai/anthropic/v1/messages",
                "{\"model\":\"claude-3-5-haiku-latest\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "anthropic-version", "2023-06-01");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"type\":\"message\"");
        assertThat(mock.requests()).singleElement().satisfies(req -> {
            assertThat(req.path()).isEqualTo("/v1/messages");
            assertThat(req.header("x-api-key")).hasValue("sk-ant-gateway");
        });
    }
}
