package dev.fairway.quota;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.fairway.Fairway;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.GatewayConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Quotas through the standalone gateway over HTTP, in front of a small fake provider. */
class QuotaEndToEndTest {
    private static final String ANSWER = """
            {"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o","choices":[{"index":0,\
            "message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],\
            "usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}""";

    private final AtomicInteger upstreamCalls = new AtomicInteger();
    private final HttpClient http = HttpClient.newHttpClient();
    private HttpServer upstream;
    private Fairway fairway;

    @BeforeEach
    void start() throws IOException {
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/", exchange -> {
            upstreamCalls.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            byte[] body = ANSWER.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("content-type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        upstream.start();
        // Sliding, so that the real clock crossing a boundary mid-test gives nothing back (one request per half hour).
        GatewayConfig config = ConfigLoader.withEnv(Map.of()).parse("logs: {spool_dir: '" + dev.fairway.testing.GatewayHarness.tempDir("fairway-spool") + "'}\n" + """
                server: {port: 0, admin_port: 0}
                providers:
                  openai: {base_url: "http://127.0.0.1:%d/v1", api_key: sk-gateway}
                routes:
                  - name: chat
                    quotas:
                      - {name: per-user, key: [metadata.user], limit: 2, window: 1h, technique: sliding}
                """.formatted(upstream.getAddress().getPort()));
        fairway = Fairway.builder(config).standalone(true).start();
    }

    @AfterEach
    void stop() {
        if (fairway != null) {
            fairway.close();
        }
        if (upstream != null) {
            upstream.stop(0);
        }
    }

    private HttpResponse<String> chat(String user) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fairway.port() + "/openai/v1/chat/completions"))
                .header("content-type", "application/json")
                .header("cf-aig-metadata", "{\"user\":\"" + user + "\"}")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theLimitIsEnforcedOverHttpWithRateLimitHeadersOnEveryAnswer() throws Exception {
        HttpResponse<String> first = chat("alice");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).contains("chatcmpl-1");
        assertThat(first.headers().firstValue("ratelimit-policy")).hasValue("\"per-user\";q=2;w=3600");
        assertThat(first.headers().firstValue("ratelimit")).hasValueSatisfying(v -> assertThat(v).startsWith("\"per-user\";r=1;t="));

        assertThat(chat("alice").statusCode()).isEqualTo(200);

        HttpResponse<String> third = chat("alice");
        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(third.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(third.body()).contains("\"type\":\"rate_limited\"").contains("\"rule\":\"per-user\"");
        assertThat(third.headers().firstValue("retry-after").map(Long::parseLong)).hasValueSatisfying(s -> assertThat(s).isBetween(1L, 1800L));
        assertThat(third.headers().firstValue("ratelimit")).hasValueSatisfying(v -> assertThat(v).startsWith("\"per-user\";r=0;t="));
        assertThat(third.headers().firstValue("cf-aig-log-id")).isPresent();

        assertThat(chat("bob").statusCode()).isEqualTo(200);
        assertThat(upstreamCalls).hasValue(3);
    }
}
