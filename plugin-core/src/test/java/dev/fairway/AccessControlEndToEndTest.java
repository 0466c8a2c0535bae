package dev.fairway;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import dev.fairway.auth.TokenHashes;
import dev.fairway.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Authentication, policy and guardrails through the standalone gateway, against an upstream that
 * records what it receives: refused requests never reach it, and the gateway token never does.
 */
class AccessControlEndToEndTest {
    private static final String TOKEN = TokenHashes.newToken();
    private static final String HASH = TokenHashes.hash(TOKEN);
    private static final String PROVIDER_KEY = "sk-client-own-provider-key-123";
    private static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"%s\"}]}";

    private final HttpClient http = HttpClient.newHttpClient();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private Level rootLevel;
    private RecordingUpstream upstream;
    private Fairway fairway;

    @BeforeEach
    void start() throws Exception {
        Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        rootLevel = root.getLevel();
        root.setLevel(Level.DEBUG);
        logs.start();
        root.addAppender(logs);
        upstream = new RecordingUpstream();
        fairway = Fairway.builder(ConfigLoader.withEnv(Map.of()).parse("logs: {spool_dir: '" + dev.fairway.testing.GatewayHarness.tempDir("fairway-spool") + "'}\n" + """
                server: {port: 0, admin_port: 0}
                routes:
                  - name: secured
                    prefix: /ai
                    providers:
                      openai: {base_url: "%1$s/v1"}
                      mistral: {base_url: "%1$s/mistral/v1"}
                    auth: {enabled: true, clients: [{name: ci-bot, token_sha256: %2$s}]}
                    policy: {allowed_providers: [openai], denied_models: ["gpt-4o*"]}
                    guardrails:
                      detectors: [{detector: email, action: flag}, {detector: credit_card, action: block}]
                """.formatted(upstream.baseUrl(), HASH))).standalone(true).start();
    }

    @AfterEach
    void stop() {
        fairway.close();
        upstream.close();
        Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAppender(logs);
        root.setLevel(rootLevel);
    }

    private HttpResponse<String> post(String path, String gatewayToken, String model, String content) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fairway.port() + path))
                .header("content-type", "application/json")
                .header("authorization", "Bearer " + PROVIDER_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(CHAT.formatted(model, content)));
        if (gatewayToken != null) {
            // Mixed case on purpose: the header must be recognised and dropped whatever its spelling.
            b.header("CF-AIG-Authorization", "Bearer " + gatewayToken);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void authenticatedRequestReachesUpstreamWithoutTheGatewayToken() throws Exception {
        HttpResponse<String> r = post("/ai/openai/v1/chat/completions", TOKEN, "gpt-4.1-mini", "Capital of Switzerland?");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("Bern.");
        assertThat(upstream.received()).hasSize(1);
        RecordingUpstream.Received got = upstream.received().get(0);
        assertThat(got.path()).isEqualTo("/v1/chat/completions");
        // The provider credential is the client's own and passes; the gateway credential never does.
        assertThat(got.headers().get("Authorization")).containsExactly("Bearer " + PROVIDER_KEY);
        assertThat(got.headerNames()).noneMatch(n -> n.startsWith("cf-aig"));
        assertThat(got.headers().values().stream().flatMap(List::stream)).noneMatch(v -> v.contains(TOKEN) || v.contains(HASH));
        assertThat(r.headers().firstValue("cf-aig-dlp")).isEmpty();
    }

    @Test
    void missingOrWrongTokenIsRefusedBeforeAnythingIsSent() throws Exception {
        HttpResponse<String> missing = post("/ai/openai/v1/chat/completions", null, "gpt-4.1-mini", "hi");
        HttpResponse<String> wrong = post("/ai/openai/v1/chat/completions", TOKEN + "x", "gpt-4.1-mini", "hi");
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).isEqualTo(missing.body()).contains("\"type\":\"unauthorized\"").doesNotContain(TOKEN, HASH, "ci-bot");
        assertThat(missing.headers().firstValue("content-type")).contains("application/json");
        assertThat(upstream.received()).isEmpty();
    }

    @Test
    void policyRefusalsAre403NamingTheRuleAndNeverSent() throws Exception {
        HttpResponse<String> provider = post("/ai/mistral/v1/chat/completions", TOKEN, "mistral-small-latest", "hi");
        HttpResponse<String> model = post("/ai/openai/v1/chat/completions", TOKEN, "gpt-4o-mini", "hi");
        assertThat(provider.statusCode()).isEqualTo(403);
        assertThat(provider.body()).contains("\"type\":\"forbidden\"", "\"rule\":\"allowed_providers\"");
        assertThat(model.statusCode()).isEqualTo(403);
        assertThat(model.body()).contains("\"rule\":\"denied_models\"");
        assertThat(upstream.received()).isEmpty();
    }

    @Test
    void guardrailsFlagOrBlock() throws Exception {
        HttpResponse<String> flagged = post("/ai/openai/v1/chat/completions", TOKEN, "gpt-4.1-mini", "Reply to jane@example.ch");
        assertThat(flagged.statusCode()).isEqualTo(200);
        assertThat(flagged.headers().firstValue("cf-aig-dlp")).contains("{\"action\":\"FLAG\",\"findings\":[{\"profile\":{\"context\":{},\"entry_ids\":[\"email\"],"
                + "\"profile_id\":\"email\"},\"policy_ids\":[\"email\"],\"check\":\"REQUEST\"}]}");
        assertThat(upstream.received()).hasSize(1);

        HttpResponse<String> blocked = post("/ai/openai/v1/chat/completions", TOKEN, "gpt-4.1-mini", "My card is 4111 1111 1111 1111");
        assertThat(blocked.statusCode()).isEqualTo(400);
        assertThat(blocked.body()).contains("\"detector\":\"credit_card\"").doesNotContain("4111");
        assertThat(upstream.received()).hasSize(1);
    }

    @Test
    void tokensAndHashesNeverReachTheLogs() throws Exception {
        post("/ai/openai/v1/chat/completions", TOKEN, "gpt-4.1-mini", "hi");
        post("/ai/openai/v1/chat/completions", "fwy_wrong-token", "gpt-4.1-mini", "hi");
        post("/ai/openai/v1/chat/completions", null, "gpt-4.1-mini", "hi");
        post("/ai/openai/v1/chat/completions", TOKEN, "gpt-4o", "hi");
        // The refusals are logged (at debug), so the capture is known to see this code's output.
        assertThat(logs.list).anyMatch(e -> e.getLoggerName().startsWith("dev.fairway.auth") && e.getFormattedMessage().contains("refused"));
        assertThat(logs.list).anyMatch(e -> e.getLoggerName().startsWith("dev.fairway.pipeline") && e.getFormattedMessage().contains("denied_models"));
        for (ILoggingEvent e : logs.list) {
            String text = e.getFormattedMessage() + " " + throwableText(e.getThrowableProxy()) + " " + e.getMDCPropertyMap();
            assertThat(text).doesNotContain(TOKEN, HASH, "fwy_wrong-token", PROVIDER_KEY);
        }
    }

    private static String throwableText(IThrowableProxy t) {
        StringBuilder sb = new StringBuilder();
        for (IThrowableProxy p = t; p != null; p = p.getCause()) {
            sb.append(p.getClassName()).append(": ").append(p.getMessage()).append('\n');
        }
        return sb.toString();
    }
}
