package dev.fairway.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fairway.Fairway;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.GatewayConfig;
import dev.fairway.log.verify.LogVerifier;
import dev.fairway.log.verify.VerifyReport;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path through a running gateway: usage and cost from real relayed answers, the
 * include_usage injection, one record per request with metadata, payload redaction, and no secret
 * in any spooled byte or exported object.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogEndToEndTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String GATEWAY_KEY = "sk-gateway-held-openai-key-Zq81";
    private static final String GATEWAY_TOKEN = "cfut-gateway-token-value-Xy7";
    private static final String CLIENT_KEY = "gsk-client-own-groq-key-Pp55";
    private static final String CLIENT_X_API_KEY = "client-x-api-key-value-Mm42";
    private static final String COOKIE = "session=cookie-secret-value-Kk09";
    private static final String NOTE = "internal-note-value-Jj31";
    private static final List<String> SECRETS = List.of(GATEWAY_KEY, GATEWAY_TOKEN, CLIENT_KEY, CLIENT_X_API_KEY,
            "cookie-secret-value-Kk09", NOTE, S3ProxyFixture.SECRET_KEY, S3ProxyFixture.ACCESS_KEY);

    @TempDir
    static Path spool;
    private FakeUpstream upstream;
    private S3ProxyFixture s3;
    private Fairway fairway;
    private LogStage logs;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<String> clientBodies = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        upstream = new FakeUpstream();
        s3 = new S3ProxyFixture();
        s3.createBucket("logs");
        GatewayConfig config = ConfigLoader.withEnv(Map.of("OPENAI_KEY", GATEWAY_KEY,
                "S3_ACCESS", S3ProxyFixture.ACCESS_KEY, "S3_SECRET", S3ProxyFixture.SECRET_KEY)).parse("""
                server: {host: 127.0.0.1, port: 0, admin_port: 0}
                providers:
                  openai: {api_key: "${env:OPENAI_KEY}", base_url: "http://127.0.0.1:%1$d/v1"}
                  groq: {base_url: "http://127.0.0.1:%1$d/openai/v1"}
                custom_providers:
                  - {slug: my-vllm, base_url: "http://127.0.0.1:%1$d/v1", auth: none}
                pricing:
                  models:
                    my-vllm/qwen2.5: {input_per_million: 0.10, output_per_million: 0.20, cached_input_per_million: 0.01}
                logs:
                  spool_dir: %2$s
                  fsync: always
                  export:
                %3$s
                routes:
                  - name: chat
                    prefix: /ai
                    logging: {payloads: true, redact: [email, phone, iban], remove_headers: [x-internal-note]}
                  - name: fallback
                    prefix: /fb
                    providers:
                      openai: {base_url: "http://127.0.0.1:%4$d/v1"}
                    fallback:
                      targets: [{provider: groq, model: llama-3.3-70b-versatile}]
                """.formatted(upstream.port(), spool, s3.exportYaml("logs", "    "), deadPort()));
        fairway = Fairway.builder(config).standalone(true).start();
        logs = fairway.gateway().stages().stream().filter(LogStage.class::isInstance).map(LogStage.class::cast)
                .findFirst().orElseThrow();
    }

    private static int deadPort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (fairway != null) {
            fairway.close();
        }
        upstream.close();
        s3.close();
    }

    @Test
    void recordsCarryUsageCostMetadataAndNoSecret() throws Exception {
        HttpResponse<String> plain = post("/ai/openai/v1/chat/completions",
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"my IBAN is CH93 0076 2011 6238 5295 7\"}]}",
                "authorization", "Bearer sk-client-key-replaced-by-gateway",
                "cf-aig-authorization", "Bearer " + GATEWAY_TOKEN,
                "cf-aig-metadata", "{\"team\":\"search\",\"user\":42,\"beta\":true}",
                "cf-aig-event-id", "evt-1",
                "cookie", COOKIE,
                "x-internal-note", NOTE,
                "x-api-key", CLIENT_X_API_KEY);
        assertThat(plain.statusCode()).isEqualTo(200);
        String plainId = plain.headers().firstValue("cf-aig-log-id").orElseThrow();

        // Streamed, client did not ask for usage: the gateway asks, and hides the answer to that.
        HttpResponse<String> hidden = post("/ai/openai/v1/chat/completions",
                "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(hidden.body()).contains("jane.doe@example.com").contains("data: [DONE]")
                // Neither the usage chunk nor the "usage":null OpenAI adds to every other chunk once asked
                // reaches a client that did not ask (Cloudflare relays the provider's stream as it was requested).
                .doesNotContain("\"usage\":{").doesNotContain("\"choices\":[]").doesNotContain("\"usage\"");
        assertThat(upstream.bodies.get(upstream.bodies.size() - 1).getJsonObject("stream_options").getBoolean("include_usage")).isTrue();
        String hiddenId = hidden.headers().firstValue("cf-aig-log-id").orElseThrow();

        // Streamed, client asked: it gets the usage chunk.
        HttpResponse<String> asked = post("/ai/openai/v1/chat/completions",
                "{\"model\":\"gpt-4o\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[]}");
        assertThat(asked.body()).contains("\"choices\":[],\"usage\":{\"prompt_tokens\":1200").contains("\"usage\":null");

        // The client's own credential passes through and is logged only as a hash.
        HttpResponse<String> own = post("/ai/groq/openai/v1/chat/completions",
                "{\"model\":\"llama-3.3-70b-versatile\",\"messages\":[]}",
                "authorization", "Bearer " + CLIENT_KEY, "cf-aig-collect-log-payload", "false");
        String ownId = own.headers().firstValue("cf-aig-log-id").orElseThrow();
        assertThat(upstream.authorizations).contains("Bearer " + CLIENT_KEY, "Bearer " + GATEWAY_KEY);

        HttpResponse<String> unlogged = post("/ai/openai/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"messages\":[]}",
                "cf-aig-collect-log", "false");
        String unloggedId = unlogged.headers().firstValue("cf-aig-log-id").orElseThrow();

        // Records are written when each exchange completes, just after its last byte reached the client.
        Waits.until("the 3 records in the bucket", Duration.ofSeconds(30), () -> {
            logs.flush(true).join();
            return logs.stats().exportBacklogSegments() == 0
                    && exported().keySet().containsAll(List.of(plainId, hiddenId, ownId));
        });
        Map<String, JsonNode> spooled = exported();
        List<String> keys = s3.keys("logs");
        assertThat(keys).isNotEmpty().allMatch(k -> k.matches("audit/node-1/\\d{4}/\\d{2}/\\d{2}/\\d{2}/\\d{20}-\\d{20}\\.ndjson\\.gz"));
        ByteArrayOutputStream everything = new ByteArrayOutputStream();
        for (String key : keys) {
            byte[] raw = s3.raw("logs", key);
            everything.writeBytes(raw);
            everything.writeBytes(S3ProxyFixture.gunzip(raw));
        }
        try (Stream<Path> files = Files.walk(spool)) {
            List<Path> spoolFiles = files.filter(Files::isRegularFile).toList();
            assertThat(spoolFiles).extracting(f -> f.getFileName().toString()).contains("export.position");
            for (Path f : spoolFiles) {
                everything.writeBytes(Files.readAllBytes(f));
            }
        }
        String all = everything.toString(StandardCharsets.ISO_8859_1);
        for (String secret : SECRETS) {
            assertThat(all).as("secret in spool or bucket").doesNotContain(secret);
        }

        assertThat(spooled).containsKeys(plainId, hiddenId, ownId).doesNotContainKey(unloggedId);
        JsonNode p = spooled.get(plainId);
        assertThat(p.get("event_id").asText()).isEqualTo("evt-1");
        assertThat(p.get("route").asText()).isEqualTo("chat");
        assertThat(p.get("provider").asText()).isEqualTo("openai");
        assertThat(p.get("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(p.get("status").asInt()).isEqualTo(200);
        assertThat(p.get("success").asBoolean()).isTrue();
        assertThat(p.get("tokens_in").asLong()).isEqualTo(1000);
        assertThat(p.get("tokens_out").asLong()).isEqualTo(500);
        assertThat(p.get("cost_usd").asDouble()).isCloseTo((1000 * 0.15 + 500 * 0.60) / 1e6, within(1e-12));
        assertThat(MAPPER.writeValueAsString(p.get("metadata"))).isEqualTo("{\"team\":\"search\",\"user\":42,\"beta\":true}");
        assertThat(p.get("request_headers").has("cf-aig-metadata")).isTrue();
        assertThat(p.get("request_headers").has("x-internal-note")).isFalse();
        assertThat(p.get("request_body").asText()).contains("[redacted:iban]").doesNotContain("CH93");
        assertThat(p.get("response_body").asText()).contains("[redacted:email]", "[redacted:phone]")
                .doesNotContain("jane.doe@example.com");

        JsonNode h = spooled.get(hiddenId);
        assertThat(h.get("tokens_in").asLong()).isEqualTo(1200);
        assertThat(h.get("tokens_out").asLong()).isEqualTo(300);
        assertThat(h.get("tokens_cached").asLong()).isEqualTo(1000);
        assertThat(h.get("cost_usd").asDouble()).isCloseTo((200 * 2.50 + 1000 * 1.25 + 300 * 10.0) / 1e6, within(1e-12));
        assertThat(h.get("response_body").asText()).doesNotContain("\"usage\":{");
        assertThat(h.get("response_bytes").asLong()).isEqualTo(hidden.body().getBytes(StandardCharsets.UTF_8).length);

        JsonNode o = spooled.get(ownId);
        assertThat(o.has("request_body")).isFalse();
        assertThat(o.get("client_hash").asText()).isEqualTo(dev.fairway.config.Secret.fingerprint("Bearer " + CLIENT_KEY));
        assertThat(o.get("cost_usd").asDouble()).isCloseTo((1000 * 0.59 + 500 * 0.79) / 1e6, within(1e-12));

        VerifyReport report;
        try (var client = s3.client()) {
            report = LogVerifier.verifyBucket(client, "logs", "audit/node-1");
        }
        assertThat(report.intact()).as(report.describe()).isTrue();
        assertThat(report.firstSeq()).as(report.describe()).isEqualTo(1);
    }

    /** Every exported record by log id. */
    private Map<String, JsonNode> exported() {
        Map<String, JsonNode> out = new HashMap<>();
        try {
            for (String key : s3.keys("logs")) {
                for (String line : new String(S3ProxyFixture.gunzip(s3.raw("logs", key)), StandardCharsets.UTF_8).split("\n")) {
                    JsonNode node = MAPPER.readTree(line);
                    if (node.has("log_id")) {
                        out.put(node.get("log_id").asText(), node);
                    }
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }

    private HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fairway.port() + path))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> res = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        clientBodies.add(res.body());
        return res;
    }

    @Test
    void theOfficialSdkStreamsThroughTheInjectionAndSeesNoExtraChunk() {
        com.openai.client.OpenAIClient client = com.openai.client.okhttp.OpenAIOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + fairway.port() + "/ai/openai/v1")
                .apiKey("sk-unused-the-gateway-holds-the-key")
                .build();
        try {
            var params = com.openai.models.chat.completions.ChatCompletionCreateParams.builder()
                    .model("gpt-4o")
                    .addUserMessage("hello")
                    .build();
            List<com.openai.models.chat.completions.ChatCompletionChunk> chunks = new ArrayList<>();
            try (var stream = client.chat().completions().createStreaming(params)) {
                stream.stream().forEach(chunks::add);
            }
            assertThat(chunks).hasSize(2).allSatisfy(c -> assertThat(c.choices()).isNotEmpty());
            assertThat(chunks.get(0).choices().get(0).delta().content()).hasValue("Reach me at jane.doe@example.com or +41 44 668 18 00.");
            assertThat(chunks).allSatisfy(c -> assertThat(c.usage()).isEmpty());
        } finally {
            client.close();
        }
    }

    @Test
    void aFallbackIsLoggedAsTheProviderAndModelThatAnswered() throws Exception {
        HttpResponse<String> res = post("/fb/openai/v1/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":[]}");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("cf-aig-step")).hasValue("1");
        String id = res.headers().firstValue("cf-aig-log-id").orElseThrow();
        Waits.until("the record in the bucket", Duration.ofSeconds(30), () -> {
            logs.flush(true).join();
            return exported().containsKey(id);
        });
        JsonNode r = exported().get(id);
        assertThat(r.get("route").asText()).isEqualTo("fallback");
        assertThat(r.get("provider").asText()).isEqualTo("groq");
        assertThat(r.get("model").asText()).isEqualTo("llama-3.3-70b-versatile");
        assertThat(r.get("step").asInt()).isEqualTo(1);
        assertThat(r.get("attempts").asInt()).isEqualTo(2);
        assertThat(r.get("cost_usd").asDouble()).isCloseTo((1000 * 0.59 + 500 * 0.79) / 1e6, within(1e-12));
    }

    @Test
    void aCustomOpenAiCompatibleProviderIsMeteredAndPricedFromConfig() throws Exception {
        HttpResponse<String> res = post("/ai/my-vllm/v1/chat/completions",
                "{\"model\":\"qwen2.5-7b-instruct\",\"stream\":true,\"messages\":[]}");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).doesNotContain("\"usage\":{");
        String id = res.headers().firstValue("cf-aig-log-id").orElseThrow();
        Waits.until("the record in the bucket", Duration.ofSeconds(30), () -> {
            logs.flush(true).join();
            return exported().containsKey(id);
        });
        JsonNode r = exported().get(id);
        assertThat(r.get("provider").asText()).isEqualTo("my-vllm");
        assertThat(r.get("tokens_in").asLong()).isEqualTo(1200);
        assertThat(r.get("tokens_cached").asLong()).isEqualTo(1000);
        assertThat(r.get("cost_usd").asDouble()).isCloseTo((200 * 0.10 + 1000 * 0.01 + 300 * 0.20) / 1e6, within(1e-12));
    }
}
