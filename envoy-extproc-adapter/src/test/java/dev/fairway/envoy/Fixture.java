package dev.fairway.envoy;

import dev.fairway.Fairway;
import dev.fairway.config.ConfigLoader;
import java.util.Map;

/** The service under test: a core with a {@link Recorder}, the ext_proc server, a fake provider. */
final class Fixture implements AutoCloseable {
    static final String GATEWAY_KEY = "sk-gateway-held-secret-1234";

    /** Routes used across the tests; {@code %d} is the fake provider's port. */
    static final String CONFIG = """
            custom_providers:
              - {slug: fake, base_url: "http://127.0.0.1:%1$d", auth: bearer}   # /ai/fake/v1/... -> /v1/... (the path is appended as given)
              - {slug: fakeclaude, base_url: "http://127.0.0.1:%1$d", auth: x-api-key, format: anthropic}
            dispatch: {ticket_ttl_seconds: 5}
            providers:
              fake: {api_key: "${env:FAKE_KEY}"}
              fakeclaude: {api_key: "${env:FAKE_KEY}"}
            pricing:
              models:
                fake/gpt-4o-mini: {input_per_million: 1, output_per_million: 2}
                fakeclaude/claude-test: {input_per_million: 3, output_per_million: 15}
            routes:
              - {name: ai, prefix: /ai, max_body_bytes: 8388608}
              - {name: direct, prefix: /direct, max_body_bytes: 8388608}
              - {name: small, prefix: /small, max_body_bytes: 1048576}
              - name: metered
                prefix: /metered
                quotas: [{name: tokens, key: [route], unit: total_tokens, limit: 10, window: 1h}]
              - {name: cached, prefix: /cached, cache: {enabled: true}}
            envoy:
              decision_timeout_ms: %2$d
              on_timeout: %3$s
              routes:
                direct: {mode: direct, upstreams: {fake: fake-cluster}}
                metered: {mode: direct}
                cached: {mode: direct}
            """;

    final FakeUpstream upstream;
    final Recorder recorder = new Recorder();
    final ExtProcConfig config;
    final Fairway fairway;
    final ExtProcServer server;
    final EnvoySide envoy;

    private Fixture(int decisionTimeoutMs, String onTimeout) throws Exception {
        this(decisionTimeoutMs, onTimeout, null);
    }

    private Fixture(int decisionTimeoutMs, String onTimeout, String defaultRoute) throws Exception {
        upstream = new FakeUpstream();
        String text = CONFIG.formatted(upstream.port(), decisionTimeoutMs, onTimeout);
        if (defaultRoute != null) {
            text = text.replace("  on_timeout: " + onTimeout + "\n", "  on_timeout: " + onTimeout + "\n  default_route: " + defaultRoute + "\n");
        }
        config = ExtProcConfig.parse(text,
                ConfigLoader.withEnv(Map.of("FAKE_KEY", GATEWAY_KEY)));
        fairway = Fairway.builder(config.gateway()).dispatcherEndpoint(true).stage(recorder).start();
        server = ExtProcServer.builder(fairway, config).port(0).start();
        envoy = EnvoySide.connect(server.port());
    }

    static Fixture start() throws Exception {
        return new Fixture(10_000, "reject");
    }

    /** With envoy.default_route set: streams without route metadata get {@code route}. */
    static Fixture withDefaultRoute(String route) throws Exception {
        return new Fixture(10_000, "reject", route);
    }

    static Fixture start(int decisionTimeoutMs, String onTimeout) throws Exception {
        return new Fixture(decisionTimeoutMs, onTimeout);
    }

    @Override
    public void close() {
        envoy.close();
        server.close();
        fairway.close();
        upstream.close();
    }
}
