package dev.fairway.envoy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.Fairway;
import dev.fairway.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * A real Envoy (the envoyproxy/envoy image) running examples/envoy/envoy.yaml unchanged, in front
 * of this service, its dispatcher and a provider, all started by the test; real HTTP goes in.
 *
 * <p>Skipped where no Docker engine is available, which includes the development machine this was
 * written on (it has none, and no Envoy binary can be installed there); it runs wherever Docker
 * does. Envoy uses the host's network (Linux Docker) so that the example's 127.0.0.1 addresses
 * reach the processes of this test, as they reach the fairway container in compose.yaml.
 */
@Testcontainers(disabledWithoutDocker = true)
class EnvoyContainerTest {
    private static final String GATEWAY = "http://127.0.0.1:10000";

    @Container
    static final GenericContainer<?> ENVOY = new GenericContainer<>(DockerImageName.parse("envoyproxy/envoy:v1.34-latest"))
            .withNetworkMode("host")
            .withCopyFileToContainer(MountableFile.forHostPath(ExampleConfigTest.DIR.resolve("envoy.yaml")), "/etc/envoy/envoy.yaml")
            .withCommand("envoy", "-c", "/etc/envoy/envoy.yaml")
            .waitingFor(Wait.forLogMessage(".*starting main dispatch loop.*", 1));

    private static FakeUpstream provider;
    private static Fairway fairway;
    private static ExtProcServer server;
    private static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        provider = new FakeUpstream(8081);
        ExtProcConfig config = ExtProcConfig.parse(Files.readString(ExampleConfigTest.DIR.resolve("fairway.yaml")),
                ConfigLoader.withEnv(Map.of("OPENAI_API_KEY", "sk-unused")));
        fairway = Fairway.builder(config.gateway()).dispatcherEndpoint(true).start();
        server = ExtProcServer.builder(fairway, config).host("127.0.0.1").port(9001).start();
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        if (http != null) {
            http.close();
        }
        if (server != null) {
            server.close();
        }
        if (fairway != null) {
            fairway.close();
        }
        if (provider != null) {
            provider.close();
        }
    }

    @Test
    void dispatcherRouteStreamsTheProvidersSse() throws Exception {
        HttpResponse<String> res = post("/ai/mock/v1/chat/completions", Http.chatBody(true), Map.of());
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        assertThat(res.headers().firstValue("cf-aig-log-id")).isPresent();
        assertThat(res.body()).isEqualTo(FakeUpstream.SSE);
        FakeUpstream.Received up = provider.received.poll(10, TimeUnit.SECONDS);
        assertThat(up.path()).isEqualTo("/v1/chat/completions");
        assertThat(up.header("authorization")).isEqualTo("Bearer sk-mock-gateway-key");
    }

    @Test
    void directRouteGoesToTheProviderClusterWithTheGatewaysKey() throws Exception {
        HttpResponse<String> res = post("/direct/mock/v1/chat/completions", Http.chatBody(false),
                Map.of("authorization", "Bearer client-key", "cf-aig-metadata", "{\"team\":\"a\"}"));
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("cf-aig-log-id")).isPresent();
        assertThat(res.body()).isEqualTo(FakeUpstream.JSON);
        FakeUpstream.Received up = provider.received.poll(10, TimeUnit.SECONDS);
        assertThat(up.path()).isEqualTo("/v1/chat/completions");
        assertThat(up.header("authorization")).isEqualTo("Bearer sk-mock-gateway-key");
        assertThat(up.header("cf-aig-metadata")).isNull();
        assertThat(up.header("x-fairway-upstream")).isNull();
    }

    @Test
    void gatewayErrorsAreLocalJsonReplies() throws Exception {
        HttpResponse<String> res = post("/ai/nosuch/v1/chat/completions", Http.chatBody(false), Map.of());
        assertThat(res.statusCode()).isEqualTo(404);
        assertThat(res.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(res.headers().firstValue("cf-aig-log-id")).isPresent();
        assertThat(res.body()).contains("\"type\":\"unknown_provider\"");
    }

    @Test
    void forgedRoutingHeaderDoesNotBypassTheGateway() throws Exception {
        HttpResponse<String> res = post("/v1/chat/completions", Http.chatBody(false), Map.of("x-fairway-upstream", "mock"));
        assertThat(res.statusCode()).isEqualTo(500);
        assertThat(res.body()).contains("x-fairway-route");
        assertThat(provider.received).isEmpty();
    }

    private static HttpResponse<String> post(String path, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(GATEWAY + path))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
