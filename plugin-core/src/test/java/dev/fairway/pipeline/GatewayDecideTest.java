package dev.fairway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.config.ConfigLoader;
import dev.fairway.config.GatewayConfig;
import dev.fairway.http.Headers;
import dev.fairway.provider.ProviderRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class GatewayDecideTest {
    private static final byte[] CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
            .getBytes(StandardCharsets.UTF_8);

    private static Gateway gateway(String yaml, Stage... stages) {
        GatewayConfig c = ConfigLoader.withEnv(Map.of("KEY", "sk-gateway-key")).parse(yaml);
        return new Gateway(c, ProviderRegistry.withCustom(c.customProviders()), List.of(stages));
    }

    private static Decision decide(Gateway g, String target, Headers headers, byte[] body) {
        return g.decide(GatewayRequest.of("POST", target, headers, body)).join();
    }

    private static String json(Decision d) {
        return new String(((Decision.Answer) d).body(), StandardCharsets.UTF_8);
    }

    @Test
    void unknownProviderListsTheKnownSlugs() {
        Decision d = decide(gateway("{}"), "/opneai/v1/chat/completions", new Headers(), CHAT);
        assertThat(((Decision.Answer) d).status()).isEqualTo(404);
        assertThat(json(d)).contains("\"type\":\"unknown_provider\"", "\"provider\":\"opneai\"", "\"known_providers\":[\"openai\",\"anthropic\"");
        assertThat(((Decision.Answer) d).headers().get("cf-aig-log-id")).hasSize(26);
    }

    @Test
    void routeRootWithoutProviderIsAClear404() {
        Decision d = gateway("routes: [{name: a, prefix: /ai}]").decide(GatewayRequest.of("GET", "/ai", new Headers(), new byte[0])).join();
        assertThat(((Decision.Answer) d).status()).isEqualTo(404);
        assertThat(json(d)).contains("name a provider in the path, e.g. /ai/openai/v1/chat/completions");
        Decision notSteps = decide(gateway("routes: [{name: a, prefix: /ai}]"), "/ai", new Headers(), CHAT);
        // A single object is one Universal step (as on Cloudflare); a chat body is not one.
        assertThat(json(notSteps)).contains("\"step\":0", "\"field\":\"model\"", "unknown field");
        Decision outside = decide(gateway("routes: [{name: a, prefix: /ai}]"), "/other/openai/chat/completions", new Headers(), CHAT);
        assertThat(json(outside)).contains("\"type\":\"not_found\"", "no route serves /other/openai/chat/completions");
    }

    @Test
    void oversizedBodyIs413WithTheLimit() {
        Decision d = decide(gateway("routes: [{name: a, max_body_bytes: 16}]"), "/openai/v1/chat/completions", new Headers(), CHAT);
        assertThat(((Decision.Answer) d).status()).isEqualTo(413);
        assertThat(json(d)).contains("\"type\":\"payload_too_large\"", "\"limit\":16");
    }

    @Test
    void malformedBodyIs400() {
        Decision d = decide(gateway("{}"), "/openai/v1/chat/completions", Headers.of("content-type", "application/json"),
                "{\"model\":".getBytes(StandardCharsets.UTF_8));
        assertThat(((Decision.Answer) d).status()).isEqualTo(400);
        assertThat(json(d)).contains("\"type\":\"invalid_request\"", "\"field\":\"body\"");
    }

    @Test
    void onAStrictRouteABadHeaderIs400NamingIt() {
        Decision d = decide(gateway("routes: [{name: r, strict_headers: true}]"), "/openai/v1/chat/completions",
                Headers.of("cf-aig-max-attempts", "9"), CHAT);
        assertThat(json(d)).contains("\"header\":\"cf-aig-max-attempts\"");
    }

    @Test
    void elsewhereABadHeaderIsClampedAndListed() {
        Decision d = decide(gateway("{}"), "/openai/v1/chat/completions", Headers.of("cf-aig-max-attempts", "9"), CHAT);
        Exchange e = ((Decision.Forward) d).exchange();
        assertThat(e.plan().first().retry().maxAttempts()).isEqualTo(5);
        assertThat(e.responseHeaders().get("fairway-ignored-headers")).isEqualTo("cf-aig-max-attempts;clamped");
    }

    @Test
    void gatewayKeyReplacesTheClientsAndGatewayHeadersStayHome() {
        Gateway g = gateway("providers: {openai: {api_key: \"${env:KEY}\"}}");
        Headers client = Headers.of("authorization", "Bearer sk-client", "x-api-key", "other", "cf-aig-authorization", "Bearer gw-token",
                "cf-aig-metadata", "{\"u\":1}", "cf-skip-cache", "true", "connection", "keep-alive, x-hop", "x-hop", "1",
                "keep-alive", "timeout=5", "accept-encoding", "gzip", "x-custom", "kept", "cf-aig-event-id", "e1");
        var f = (Decision.Forward) decide(g, "/openai/chat/completions", client, CHAT);
        UpstreamRequest up = f.exchange().upstreamRequest();
        assertThat(up.headers().getAll("authorization")).containsExactly("Bearer sk-gateway-key");
        assertThat(up.headers().contains("x-api-key")).isFalse();
        assertThat(up.headers().get("x-custom")).isEqualTo("kept");
        assertThat(up.headers().get("accept-encoding")).isEqualTo("identity");
        for (String gone : List.of("cf-aig-authorization", "cf-aig-metadata", "cf-skip-cache", "connection", "x-hop", "keep-alive", "cf-aig-event-id")) {
            assertThat(up.headers().contains(gone)).as(gone).isFalse();
        }
        assertThat(up.body()).isSameAs(f.exchange().body().bytes());
        assertThat(f.exchange().responseHeaders().get("cf-aig-event-id")).isEqualTo("e1");
        assertThat(f.exchange().credentialFingerprint()).isEqualTo(dev.fairway.config.Secret.fingerprint("sk-gateway-key"));
    }

    @Test
    void clientCredentialPassesThroughWhenTheGatewayHoldsNone() {
        var f = (Decision.Forward) decide(gateway("{}"), "/anthropic/v1/messages", Headers.of("x-api-key", "sk-ant-client"), CHAT);
        assertThat(f.exchange().upstreamRequest().headers().get("x-api-key")).isEqualTo("sk-ant-client");
        assertThat(f.exchange().credentialFingerprint()).isEqualTo(dev.fairway.config.Secret.fingerprint("sk-ant-client"));
    }

    @Test
    void stagesRunInOrderAndTheFirstAnswerWins() {
        List<String> seen = new ArrayList<>();
        List<Completion> completions = new ArrayList<>();
        Stage first = stage("first", seen, null, completions);
        Stage refusing = stage("refusing", seen, Decision.Answer.json(429, "{}".getBytes()), completions);
        Stage never = stage("never", seen, null, completions);
        Decision d = decide(gateway("{}", first, refusing, never), "/openai/v1/chat/completions", new Headers(), CHAT);
        assertThat(seen).containsExactly("first", "refusing");
        assertThat(((Decision.Answer) d).status()).isEqualTo(429);
        assertThat(((Decision.Answer) d).headers().get("cf-aig-log-id")).isNotNull();
        assertThat(completions).hasSize(3).allSatisfy(c -> assertThat(c.status()).isEqualTo(429));
    }

    @Test
    void recordingStagesSeeARefusalReturnedWhileOpening() {
        Stage refusingAtOpen = new Stage() {
            public String name() {
                return "auth";
            }

            public Step open(Exchange exchange) {
                return Step.refuse(dev.fairway.error.GatewayError.of(dev.fairway.error.ErrorType.UNAUTHORIZED, "no token"));
            }
        };
        List<Completion> recorded = new ArrayList<>();
        List<String> notOpened = new ArrayList<>();
        Stage answering = stage("cache", notOpened, null, new ArrayList<>());
        Stage recorder = new Stage() {
            public String name() {
                return "analytics";
            }

            public boolean recordsOnly() {
                return true;
            }

            public Step open(Exchange exchange) {
                return new Step() {
                    public void afterCompletion(Completion completion) {
                        recorded.add(completion);
                    }
                };
            }
        };
        Decision d = decide(gateway("{}", refusingAtOpen, answering, recorder), "/openai/v1/chat/completions", new Headers(), CHAT);
        assertThat(((Decision.Answer) d).status()).isEqualTo(401);
        assertThat(recorded).singleElement().satisfies(c -> assertThat(c.errorType()).isEqualTo("unauthorized"));
        assertThat(notOpened).isEmpty();
    }

    @Test
    void aStageThatFailsGivesAnInternalErrorWithoutDetail() {
        Stage broken = new Stage() {
            public String name() {
                return "broken";
            }

            public Step open(Exchange exchange) {
                return new Step() {
                    public CompletableFuture<Verdict> beforeDispatch() {
                        return CompletableFuture.failedFuture(new IllegalStateException("secret internals"));
                    }
                };
            }
        };
        Decision d = decide(gateway("{}", broken), "/openai/v1/chat/completions", new Headers(), CHAT);
        assertThat(((Decision.Answer) d).status()).isEqualTo(500);
        assertThat(json(d)).contains("internal_error").doesNotContain("secret internals");
    }

    private static Stage stage(String name, List<String> seen, Decision.Answer answer, List<Completion> completions) {
        return new Stage() {
            public String name() {
                return name;
            }

            public Step open(Exchange exchange) {
                return new Step() {
                    public CompletableFuture<Verdict> beforeDispatch() {
                        seen.add(name);
                        return CompletableFuture.completedFuture(answer == null ? Verdict.PROCEED : Verdict.answer(answer));
                    }

                    public void afterCompletion(Completion completion) {
                        completions.add(completion);
                    }
                };
            }
        };
    }
}
