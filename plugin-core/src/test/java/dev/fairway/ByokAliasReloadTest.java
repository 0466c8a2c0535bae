package dev.fairway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.config.ConfigLoader;
import dev.fairway.config.GatewayConfig;
import dev.fairway.mock.MockOptions;
import dev.fairway.mock.MockProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key stored under a cf-aig-byok-alias rotates without a restart: rewriting its {@code ${file:}}
 * secret is a configuration change the reloader applies to new requests (issue 19 item 6).
 */
@Timeout(60)
class ByokAliasReloadTest {
    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @TempDir
    Path dir;
    private MockProvider mock;
    private Fairway fairway;
    private ConfigReloader reloader;

    @AfterEach
    void stop() {
        if (reloader != null) {
            reloader.close();
        }
        if (fairway != null) {
            fairway.close();
        }
        if (mock != null) {
            mock.close();
        }
    }

    private GatewayConfig parse(String text) {
        return ConfigLoader.withEnv(Map.of()).parse(text);
    }

    @Test
    void rewritingAnAliasKeyFileSwitchesNewRequestsToTheNewKey() throws Exception {
        // Cloudflare, AI Gateway "BYOK": after a stored key is replaced, "Your applications will
        // immediately start using the new key without any code changes or downtime."
        mock = MockProvider.start(MockOptions.defaults());
        Path key = dir.resolve("openai-team-b.key");
        Files.writeString(key, "sk-team-b-first\n");
        Path file = dir.resolve("fairway.yaml");
        Files.writeString(file, """
                server: {port: 0, admin_port: 0}
                logs: {spool_dir: '%s'}
                providers:
                  openai: {base_url: "%s/v1", api_key: "sk-default", api_keys: {team-b: "${file:%s}"}}
                routes: [{name: r}]
                """.formatted(dir.resolve("spool"), mock.baseUrl(), key));
        fairway = Fairway.builder(parse(Files.readString(file))).standalone(true).start();
        reloader = ConfigReloader.watch(fairway, file, this::parse);

        assertThat(send("team-b")).isEqualTo(200);
        assertThat(lastKey()).isEqualTo("Bearer sk-team-b-first");

        Files.writeString(key, "sk-team-b-second\n");
        reloader.reloadIfChanged();

        assertThat(send("team-b")).isEqualTo(200);
        assertThat(lastKey()).isEqualTo("Bearer sk-team-b-second");
        assertThat(send(null)).isEqualTo(200);
        assertThat(lastKey()).isEqualTo("Bearer sk-default");
    }

    private int send(String alias) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fairway.port() + "/openai/v1/chat/completions"))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(CHAT));
        if (alias != null) {
            b.header("cf-aig-byok-alias", alias);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private String lastKey() {
        List<dev.fairway.mock.RecordedRequest> all = mock.requests();
        return all.get(all.size() - 1).header("authorization").orElseThrow();
    }
}
