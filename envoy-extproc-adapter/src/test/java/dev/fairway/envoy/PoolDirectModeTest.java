package dev.fairway.envoy;

import static dev.fairway.envoy.Http.chatBody;
import static dev.fairway.envoy.Http.request;
import static dev.fairway.envoy.Http.response;
import static dev.fairway.envoy.Http.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.Fairway;
import dev.fairway.config.ConfigLoader;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pools in direct mode: Envoy sends the request to the member the core admitted (its key in the
 * mutation), the member's own rate limit passes it over for the next one, and what Envoy's response
 * headers phase shows (a 5xx, a 429) feeds the member's passive health, which ejects it, and its
 * circuit breaker, which skips it while open.
 */
class PoolDirectModeTest {
    private static final String CONFIG = """
            custom_providers:
              - {slug: fake, base_url: "http://127.0.0.1:%d", auth: bearer}
            routes:
              - name: pooled
                prefix: /pooled
                pools:
                  - provider: fake
                    eject_after: 1
                    cooldown_seconds: 600
                    members: [{name: a, api_key: key-a}, {name: b, api_key: key-b}]
              - name: capped
                prefix: /capped
                pools:
                  - provider: fake
                    members:
                      - {name: a, api_key: key-a, rate_limit: {limit: 1, window: 1h}}
                      - {name: b, api_key: key-b, rate_limit: {limit: 1, window: 1h}}
              - name: breaking
                prefix: /breaking
                circuit_breaker: {failure_threshold: 1, cooldown_seconds: 600}
                pools:
                  - provider: fake
                    eject_after: 100
                    members: [{name: a, api_key: key-a}, {name: b, api_key: key-b}]
            envoy:
              routes:
                pooled: {mode: direct, upstreams: {fake: fake-cluster}}
                capped: {mode: direct, upstreams: {fake: fake-cluster}}
                breaking: {mode: direct, upstreams: {fake: fake-cluster}}
            """;

    private FakeUpstream upstream;
    private Fairway fairway;
    private ExtProcServer server;
    private EnvoySide envoy;

    @BeforeEach
    void start() throws Exception {
        upstream = new FakeUpstream();
        ExtProcConfig config = ExtProcConfig.parse(CONFIG.formatted(upstream.port()), ConfigLoader.withEnv(Map.of()));
        fairway = Fairway.builder(config.gateway()).start();
        server = ExtProcServer.builder(fairway, config).port(0).start();
        envoy = EnvoySide.connect(server.port());
    }

    @AfterEach
    void stop() {
        envoy.close();
        server.close();
        fairway.close();
        upstream.close();
    }

    @Test
    void aMemberAtItsRateLimitIsPassedOverAndTheLastOneLeftIsA429() throws Exception {
        Set<String> keys = new HashSet<>();
        keys.add(forward("capped", 200));
        keys.add(forward("capped", 200));
        assertThat(keys).as("each member's one request").containsExactlyInAnyOrder("Bearer key-a", "Bearer key-b");

        EnvoySide.Stream s = envoy.open("capped");
        s.requestHeaders(request("POST", "/capped/fake/v1/chat/completions", "content-type", "application/json"), false);
        s.reply();
        s.requestBody(utf8(chatBody(false)), true);
        ProcessingResponse refused = s.reply();
        assertThat(refused.hasImmediateResponse()).as(refused.toString()).isTrue();
        assertThat(refused.getImmediateResponse().getStatus().getCodeValue()).isEqualTo(429);
        assertThat(Http.jsonError(refused.getImmediateResponse()).toString()).contains("over its rate limit", "\"member\":\"");
    }

    @Test
    void failuresSeenInEnvoysResponseHeadersEjectTheMember() throws Exception {
        String failed = forward("pooled", 503);
        String other = failed.equals("Bearer key-a") ? "Bearer key-b" : "Bearer key-a";
        // Ejected after one failure for ten minutes: every request goes to the other member now.
        for (int i = 0; i < 10; i++) {
            assertThat(forward("pooled", 200)).isEqualTo(other);
        }
        // A 429 counts too: with both ejected, the one back soonest (the first) is tried.
        assertThat(forward("pooled", 429)).isEqualTo(other);
        assertThat(forward("pooled", 200)).isEqualTo(failed);
    }

    @Test
    void aFailureSeenInEnvoysResponseHeadersOpensTheMembersCircuit() throws Exception {
        // Passive health would eject only after 100 failures; the route's circuit opens after one.
        String failed = forward("breaking", 503);
        String other = failed.equals("Bearer key-a") ? "Bearer key-b" : "Bearer key-a";
        for (int i = 0; i < 10; i++) {
            assertThat(forward("breaking", 200)).as("request %d, with %s's circuit open", i, failed).isEqualTo(other);
        }
        // A 429 is the member's own limit, not a failure: the other member's circuit stays closed.
        assertThat(forward("breaking", 429)).isEqualTo(other);
        assertThat(forward("breaking", 200)).isEqualTo(other);
    }

    /** One request forwarded in direct mode, answered {@code status} in Envoy's response phase; the member's credential it went with. */
    private String forward(String route, int status) throws Exception {
        EnvoySide.Stream s = envoy.open(route);
        s.requestHeaders(request("POST", "/" + route + "/fake/v1/chat/completions", "content-type", "application/json"), false);
        s.reply();
        s.requestBody(utf8(chatBody(false)), true);
        ProcessingResponse forwarded = s.reply();
        assertThat(forwarded.hasRequestBody()).as(forwarded.toString()).isTrue();
        Map<String, String> set = Http.setHeaders(forwarded.getRequestBody().getResponse().getHeaderMutation());
        assertThat(set).containsEntry("x-fairway-upstream", "fake-cluster");
        s.responseHeaders(response(status, "content-type", "application/json"), false);
        s.reply();
        s.responseBody(utf8("{}"), true);
        s.reply();
        s.halfClose();
        return set.get("authorization");
    }
}
