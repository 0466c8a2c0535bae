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
              - {slug: fake, base_url: "http://127.0.0.1:%d", auth: bearer}   # /ai/fake/v1/... -> /v1/... (the path is appended as given)
            dispatch: {ticket_ttl_seconds: 5}
            providers:
              fake: {api_key: "${env:FAKE_KEY}"}
            routes:
              - {name: ai, prefix: /ai, max_body_bytes: 8388608}
              - {name: direct, prefix: /direct, max_body_bytes: 8388608}
              - {name: small, prefix: /small, max_body_bytes: 1048576}
            envoy:
              decision_timeout_ms: %d
              on_timeout: %s
              routes:
                direct: {mode: direct, upstreams: {fake: fake-cluster}}
            """;

    final FakeUpstream upstream;
    final Recorder recorder = new Recorder();
    final ExtProcConfig config;
    final Fairway fairway;
    final ExtProcServer server;
    final EnvoySide envoy;

    private Fixture(int decisionTimeoutMs, String onTimeout) throws Exception {
        upstream = new FakeUpstream();
        config = ExtProcConfig.parse(CONFIG.formatted(upstream.port(), decisionTimeoutMs, onTimeout),
                ConfigLoader.withEnv(Map.of("FAKE_KEY", GATEWAY_KEY)));
        fairway = Fairway.builder(config.gateway()).dispatcherEndpoint(true).stage(recorder).start();
        server = ExtProcServer.builder(fairway, config).port(0).start();
        envoy = EnvoySide.connect(server.port());
    }

    static Fixture start() throws Exception {
        return new Fixture(10_000, "reject");
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
