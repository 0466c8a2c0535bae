package dev.fairway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fairway.auth.TokenHashes;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.GatewayConfig;
import dev.fairway.error.GatewayError;
import dev.fairway.http.Headers;
import dev.fairway.plan.PlannedTarget;
import dev.fairway.provider.ProviderRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Each decision of the request path is made once, in one place (issue 21). */
class DecideOnceTest {
    private static final String TOKEN = "fwy_client-0123456789abcdef";
    /** A chat body no translator accepts (no messages): planning a translated fallback for it is a 400. */
    private static final byte[] UNTRANSLATABLE = "{\"model\":\"gpt-4o-mini\",\"messages\":[]}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
            .getBytes(StandardCharsets.UTF_8);

    private static Gateway gateway(String yaml, Stage... stages) {
        GatewayConfig c = ConfigLoader.withEnv(Map.of()).parse(yaml);
        return new Gateway(c, ProviderRegistry.withCustom(c.customProviders()), List.of(stages));
    }

    private static Decision post(Gateway g, String path, byte[] body, String... headers) {
        return g.decide(GatewayRequest.of("POST", path, Headers.of(headers).set("content-type", "application/json"), body)).join();
    }

    private static int status(Decision d) {
        assertThat(d).isInstanceOf(Decision.Answer.class);
        return ((Decision.Answer) d).status();
    }

    @Test
    void anUnauthenticatedRequestIsRefusedBeforeAnyFallbackIsPlanned() {
        Gateway g = gateway("""
                routes:
                  - name: r
                    auth: {enabled: true, clients: [{name: c, token_sha256: %s}]}
                    fallback: {targets: [{provider: anthropic, model: claude-sonnet-4-5}]}
                """.formatted(TokenHashes.hash(TOKEN)));
        // Planning would translate the fallback and refuse the body (400); authentication comes first.
        assertThat(status(post(g, "/openai/v1/chat/completions", UNTRANSLATABLE))).isEqualTo(401);
        assertThat(status(post(g, "/openai/v1/chat/completions", UNTRANSLATABLE, "cf-aig-authorization", "Bearer fwy_wrong"))).isEqualTo(401);
        // Authenticated, it goes to the first target as it is; the fallback's body waits for an attempt.
        Decision d = post(g, "/openai/v1/chat/completions", UNTRANSLATABLE, "cf-aig-authorization", "Bearer " + TOKEN);
        assertThat(d).isInstanceOf(Decision.Forward.class);
        PlannedTarget fallback = ((Decision.Forward) d).exchange().plan().targets().get(1);
        assertThat(fallback.lazyBody().isBuilt()).isFalse();
        assertThatThrownBy(() -> ((Decision.Forward) d).exchange().upstreamRequest(fallback))
                .isInstanceOf(GatewayError.class).hasMessageContaining("messages");
    }

    @Test
    void aFallbacksBodyIsTranslatedWhenTriedAndTheFirstTargetsAtOnce() {
        Gateway g = gateway("routes: [{name: r, fallback: {targets: [{provider: anthropic, model: claude-sonnet-4-5}]}}]");
        Exchange e = ((Decision.Forward) post(g, "/openai/v1/chat/completions", CHAT)).exchange();
        PlannedTarget fallback = e.plan().targets().get(1);
        assertThat(fallback.lazyBody().isBuilt()).isFalse();
        UpstreamRequest tried = e.upstreamRequest(fallback);
        assertThat(new String(tried.body(), StandardCharsets.UTF_8)).contains("\"model\":\"claude-sonnet-4-5\"");
        assertThat(fallback.lazyBody().isBuilt()).isTrue();
        assertThat(tried.headers().get("anthropic-version")).isNotNull();
        // /compat's first target is translated while deciding: a request it cannot express is a 400 at once.
        assertThat(status(post(gateway("{}"), "/compat/chat/completions",
                "{\"model\":\"anthropic/claude-sonnet-4-5\",\"messages\":[]}".getBytes(StandardCharsets.UTF_8)))).isEqualTo(400);
    }

    @Test
    void aRefusalBeforePlanningIsStillRecorded() {
        List<Completion> recorded = new ArrayList<>();
        Gateway g = gateway("routes: [{name: r, auth: {enabled: true, clients: [{name: c, token_sha256: %s}]}}]"
                .formatted(TokenHashes.hash(TOKEN)), recorder(recorded));
        assertThat(status(post(g, "/openai/v1/chat/completions", CHAT))).isEqualTo(401);
        assertThat(recorded).singleElement().satisfies(c -> assertThat(c.errorType()).isEqualTo("unauthorized"));
    }

    @Test
    void policyIsOneDecisionOverEveryTargetTheFirstIncluded() {
        Gateway g = gateway("""
                routes:
                  - name: r
                    policy: {denied_providers: [openai, groq]}
                    fallback: {targets: [{provider: groq, model: llama}, {provider: mistral, model: mistral-small}]}
                """);
        Decision d = post(g, "/openai/v1/chat/completions", CHAT);
        assertThat(d).isInstanceOf(Decision.Forward.class);
        Exchange e = ((Decision.Forward) d).exchange();
        assertThat(e.plan().targets()).extracting(t -> t.target().provider().slug()).containsExactly("mistral");
        assertThat(e.plan().skipped()).anyMatch(s -> s.startsWith("step 0 (openai/gpt-4o-mini): forbidden by policy rule denied_providers"))
                .anyMatch(s -> s.startsWith("step 1 (groq/llama): forbidden by policy rule denied_providers"));
        assertThat(e.responseHeaders().get("cf-aig-step")).isEqualTo("2");
        // Every target refused: the first one's refusal.
        Gateway none = gateway("routes: [{name: r, policy: {denied_providers: [openai, groq]}, fallback: {targets: [{provider: groq}]}}]");
        Decision refused = post(none, "/openai/v1/chat/completions", CHAT);
        assertThat(status(refused)).isEqualTo(403);
        assertThat(new String(((Decision.Answer) refused).body(), StandardCharsets.UTF_8)).contains("\"rule\":\"denied_providers\"", "provider openai");
    }

    @Test
    void aCacheHitIsAFactNotAHeader() {
        List<Completion> recorded = new ArrayList<>();
        Stage hiddenHit = answering("cache", true, new Headers());
        post(gateway("{}", hiddenHit, recorder(recorded)), "/openai/v1/chat/completions", CHAT);
        Stage headerOnly = answering("cache", false, Headers.of("cf-aig-cache-status", "HIT"));
        post(gateway("{}", headerOnly, recorder(recorded)), "/openai/v1/chat/completions", CHAT);
        assertThat(recorded).extracting(Completion::cached).containsExactly(true, false);
    }

    /** A stage that answers 200 itself, marking the exchange cached or not, with the given answer headers. */
    private static Stage answering(String name, boolean cached, Headers headers) {
        return new Stage() {
            public String name() {
                return name;
            }

            public Step open(Exchange exchange) {
                return new Step() {
                    public CompletableFuture<Verdict> beforeDispatch() {
                        if (cached) {
                            exchange.facts().markCached();
                        }
                        return CompletableFuture.completedFuture(Verdict.answer(new Decision.Answer(200, headers, "{}".getBytes())));
                    }
                };
            }
        };
    }

    private static Stage recorder(List<Completion> recorded) {
        return new Stage() {
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
    }
}
