package dev.fairway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.mock.MockOptions;
import dev.fairway.quota.redis.RedisServer;
import dev.fairway.testing.GatewayHarness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code /readyz}: 200 only while the process can serve; {@code /healthz} stays liveness. */
@Timeout(60)
class ReadyzTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aServingGatewayIsReady() throws Exception {
        try (GatewayHarness h = GatewayHarness.startWithAdmin("", MockOptions.defaults())) {
            HttpResponse<String> r = get(h, "/readyz");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"status\":\"ready\"", "\"listeners\":\"ok\"", "\"log_spool\":\"ok\"", "\"quota_store\":\"ok\"");
        }
    }

    @Test
    void aFailClosedQuotaWhoseRedisIsDownIsNotReadyUntilRedisAnswers() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            redis.stop();
            String yaml = """
                    redis: {uri: '%s', command_timeout_ms: 300}
                    routes:
                      - name: strict
                        prefix: /
                        quotas: [{name: calls, limit: 100, window: 60s, on_store_failure: fail_closed}]
                    """.formatted(redis.uri());
            try (GatewayHarness h = GatewayHarness.startWithAdmin(yaml, MockOptions.defaults())) {
                HttpResponse<String> down = get(h, "/readyz");
                assertThat(down.statusCode()).isEqualTo(503);
                assertThat(down.body()).contains("\"status\":\"not_ready\"", "\"quota_store\":").doesNotContain("\"quota_store\":\"ok\"");
                assertThat(get(h, "/healthz").statusCode()).isEqualTo(200); // alive, just not ready

                redis.resume();

                HttpResponse<String> up = awaitStatus(h, 200);
                assertThat(up.body()).contains("\"quota_store\":\"ok\"");
            }
        }
    }

    @Test
    void aStoppingGatewayIsNotReady() throws Exception {
        GatewayHarness h = GatewayHarness.startWithAdmin("server: {port: 0, admin_port: 0, drain_seconds: 10}\n", MockOptions.defaults());
        CompletableFuture<HttpResponse<java.io.InputStream>> stream = h.http().sendAsync(HttpRequest.newBuilder(URI.create(h.baseUrl() + "/openai/v1/chat/completions"))
                .header("content-type", "application/json").header("x-mock-chunks", "20").header("x-mock-chunk-delay-ms", "100")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        stream.join().body().read(); // the stream is open
        CompletableFuture<Boolean> stop = CompletableFuture.supplyAsync(() -> h.fairway().shutdownGracefully(() -> {}));

        HttpResponse<String> r = awaitStatus(h, 503);
        assertThat(r.body()).contains("\"listeners\":\"stopping\"");
        stream.join().body().readAllBytes();
        assertThat(stop.join()).isTrue();
        h.mock().close();
    }

    private HttpResponse<String> get(GatewayHarness h, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(h.adminUrl() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Probes as Kubernetes does, every 50 ms, until the status is the one expected (bounded by the test's timeout). */
    private HttpResponse<String> awaitStatus(GatewayHarness h, int status) throws Exception {
        while (true) {
            HttpResponse<String> r = get(h, "/readyz");
            if (r.statusCode() == status) {
                return r;
            }
            Thread.sleep(50);
        }
    }
}
