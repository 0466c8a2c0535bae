package dev.fairway.testing;

import dev.fairway.Fairway;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.GatewayConfig;
import dev.fairway.mock.MockOptions;
import dev.fairway.mock.MockProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * A standalone gateway on a free port whose providers all point at an in-process mock provider.
 * Shared with the adapters' tests through the core's test jar.
 */
public final class GatewayHarness implements AutoCloseable {
    private final MockProvider mock;
    private final Fairway fairway;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private GatewayHarness(MockProvider mock, Fairway fairway) {
        this.mock = mock;
        this.fairway = fairway;
    }

    /** A gateway with the default route and every provider on the mock. */
    public static GatewayHarness start() {
        return start("", MockOptions.defaults());
    }

    /**
     * A gateway whose config is {@code yaml} plus a providers section pointing the main providers at
     * the mock ({@code MOCK} in the YAML is replaced by the mock's base URL, for custom providers).
     */
    public static GatewayHarness start(String yaml, MockOptions mockOptions) {
        return start(yaml, mockOptions, b -> { });
    }

    /** Like {@link #start(String, MockOptions)}, with the admin listener on a free port ({@link #adminUrl()}). */
    public static GatewayHarness startWithAdmin(String yaml, MockOptions mockOptions) {
        return start(yaml, mockOptions, b -> b.adminPort(0));
    }

    /** As {@link #start(String, MockOptions)}, with a last say on the gateway's builder (a retry scheduler, a stage). */
    public static GatewayHarness start(String yaml, MockOptions mockOptions, java.util.function.Consumer<Fairway.Builder> customize) {
        MockProvider mock = MockProvider.start(mockOptions);
        try {
            GatewayConfig config = config(yaml, mock.baseUrl());
            Fairway.Builder builder = Fairway.builder(config).standalone(true).dispatcherEndpoint(true);
            customize.accept(builder);
            return new GatewayHarness(mock, builder.start());
        } catch (RuntimeException e) {
            mock.close();
            throw e;
        }
    }

    public static GatewayConfig config(String yaml, String mockBase) {
        String providers = yaml.matches("(?s)(.*\\n)?providers:.*") ? "" : """
                providers:
                  openai: {base_url: "MOCK/v1", api_key: "sk-test-openai"}
                  anthropic: {base_url: "MOCK", api_key: "sk-test-anthropic"}
                  google-ai-studio: {base_url: "MOCK", api_key: "test-google"}
                  mistral: {base_url: "MOCK/mistral/v1"}
                  cohere: {base_url: "MOCK"}
                  aws-bedrock: {base_url: "MOCK"}
                """;
        // Each gateway keeps its own log spool: a spool is one hash chain, locked by its process.
        String logs = yaml.matches("(?s)(.*\\n)?logs:.*") ? "" : "logs: {spool_dir: '" + tempDir("fairway-spool") + "'}\n";
        // The admin listener stays off unless a test asks for it (startWithAdmin) or configures it.
        String server = yaml.matches("(?s)(.*\\n)?server:.*") ? "" : "server: {port: 0, admin_port: 0}\n";
        String text = server + providers + logs + yaml;
        return ConfigLoader.withEnv(Map.of()).parse(text.replace("MOCK", mockBase));
    }

    /** A fresh temporary directory, removed when the JVM exits. */
    public static String tempDir(String prefix) {
        try {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory(prefix);
            dir.toFile().deleteOnExit();
            return dir.toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public MockProvider mock() {
        return mock;
    }

    public Fairway fairway() {
        return fairway;
    }

    /** {@code http://127.0.0.1:<port>} of the gateway. */
    public String baseUrl() {
        return "http://127.0.0.1:" + fairway.port();
    }

    /** {@code http://127.0.0.1:<admin port>}; only with {@link #startWithAdmin}. */
    public String adminUrl() {
        return "http://127.0.0.1:" + fairway.adminPort();
    }

    public HttpResponse<String> post(String path, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .timeout(Duration.ofSeconds(20))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpClient http() {
        return http;
    }

    @Override
    public void close() {
        fairway.close();
        mock.close();
    }
}
