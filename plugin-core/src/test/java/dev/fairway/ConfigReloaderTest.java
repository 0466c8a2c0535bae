package dev.fairway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.config.ConfigLoader;
import dev.fairway.config.GatewayConfig;
import dev.fairway.mock.MockOptions;
import dev.fairway.mock.MockProvider;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A changed configuration file serves new requests; requests in flight finish as they began. */
@Timeout(60)
class ConfigReloaderTest {
    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String STREAM = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @TempDir
    Path dir;
    private MockProvider mock;
    private Fairway fairway;
    private ConfigReloader reloader;
    private Path file;
    private Path keyFile;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        mock = MockProvider.start(MockOptions.defaults());
        file = dir.resolve("fairway.yaml");
        keyFile = dir.resolve("openai.key");
        Files.writeString(keyFile, "sk-from-file-1\n");
        write("sk-old", 100);
        fairway = Fairway.builder(parse(Files.readString(file))).standalone(true).start();
        reloader = ConfigReloader.watch(fairway, file, this::parse);
    }

    @AfterEach
    void stop() {
        reloader.close();
        fairway.close();
        mock.close();
    }

    @Test
    void aNewKeyAndQuotaServeNewRequestsWhileAStreamInFlightFinishes() throws Exception {
        HttpResponse<InputStream> stream = http.send(request("/openai/v1/chat/completions", STREAM)
                .header("x-mock-chunks", "10").header("x-mock-chunk-delay-ms", "100").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
        List<String> events = new ArrayList<>(List.of(lines.readLine()));

        write("sk-new", 1);
        reloader.reloadIfChanged();

        for (String line; (line = lines.readLine()) != null; ) {
            events.add(line);
        }
        assertThat(events).contains("data: [DONE]");
        assertThat(lastKey()).isEqualTo("Bearer sk-old"); // the stream was decided before the reload

        assertThat(send("/openai/v1/chat/completions").statusCode()).isEqualTo(200);
        assertThat(lastKey()).isEqualTo("Bearer sk-new");
        assertThat(send("/openai/v1/chat/completions").statusCode()).isEqualTo(429); // the new limit: 1
    }

    @Test
    void aBadFileIsRefusedAndTheRunningConfigurationStays() throws Exception {
        Files.writeString(file, "routes: [{name: main, prefix: /, max_body_bytes: -5}]\nserver: {port: 99999}\n");

        assertThat(reloader.reloadNow()).isFalse();

        assertThat(send("/openai/v1/chat/completions").statusCode()).isEqualTo(200);
        assertThat(lastKey()).isEqualTo("Bearer sk-old");
    }

    @Test
    void aRotatedSecretFileIsAChangeToo() throws Exception {
        String text = Files.readString(file).replace("api_key: sk-old", "api_key: '${file:" + keyFile + "}'");
        Files.writeString(file, text);
        reloader.reloadIfChanged();
        send("/openai/v1/chat/completions");
        assertThat(lastKey()).isEqualTo("Bearer sk-from-file-1");

        Files.writeString(keyFile, "sk-from-file-2\n"); // only the secret file changes
        reloader.reloadIfChanged();

        send("/openai/v1/chat/completions");
        assertThat(lastKey()).isEqualTo("Bearer sk-from-file-2");
    }

    @Test
    void listenerSettingsWaitForARestartAndSaySo() throws Exception {
        String text = Files.readString(file).replace("drain_seconds: 5", "drain_seconds: 9");
        Files.writeString(file, text);

        assertThat(reloader.reloadNow()).isTrue();

        assertThat(fairway.config().server().drainSeconds()).isEqualTo(5);
        assertThat(fairway.reload(parse(text))).containsExactly("server");
    }

    private void write(String key, int limit) throws Exception {
        Files.writeString(file, """
                server: {port: 0, admin_port: 0, drain_seconds: 5}
                logs: {spool_dir: '%s'}
                providers:
                  openai: {base_url: "MOCK/v1", api_key: %s}
                routes:
                  - name: main
                    prefix: /
                    quotas: [{name: calls, limit: %d, window: 60s}]
                """.formatted(dir.resolve("spool"), key, limit));
    }

    private GatewayConfig parse(String text) {
        return ConfigLoader.withEnv(Map.of()).parse(text.replace("MOCK", mock.baseUrl()));
    }

    private HttpRequest.Builder request(String path, String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fairway.port() + path))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private HttpResponse<String> send(String path) throws Exception {
        return http.send(request(path, CHAT).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String lastKey() {
        return mock.requests().get(mock.requests().size() - 1).header("authorization").orElse(null);
    }
}
