package dev.fairway.cache;

import static dev.fairway.cache.CacheHarness.CHAT;
import static dev.fairway.cache.CacheHarness.answered;
import static dev.fairway.cache.CacheHarness.body;
import static dev.fairway.cache.CacheHarness.forwarded;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.pipeline.Decision;
import java.nio.file.Path;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache stage's lookup by meaning, with the real model (loaded once per test JVM) and a Lucene index on disk. */
class SemanticCacheStageTest {
    private static final String ROUTES = """
              - name: semantic
                prefix: /
                cache: {enabled: true, streams: true, semantic: {enabled: true}}
              - name: neighbour
                prefix: /neighbour
                cache: {enabled: true, semantic: {enabled: true}}
              - name: exact
                prefix: /exact
                cache: {enabled: true}
            """;
    private static final String ANSWER = "{\"id\":\"c1\",\"choices\":[{\"message\":{\"content\":\"Yes, 14 days.\"}}]}";
    private static final String STORED = "Is there a free trial?";
    private static final String PARAPHRASE = "Do you offer a free trial?";

    private final Path dir;
    @AutoClose
    CacheHarness h;

    SemanticCacheStageTest(@TempDir Path dir) {
        this.dir = dir;
        h = new CacheHarness(dir, ROUTES);
    }

    static String ask(String question) {
        return "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"system\",\"content\":\"You answer billing questions.\"},"
                + "{\"role\":\"user\",\"content\":\"" + question + "\"}]}";
    }

    private void store(String path, String body, String... headers) {
        long before = h.stage.semanticStored();
        Decision miss = h.send(path, body, headers);
        assertThat(forwarded(miss).responseHeaders().get("cf-aig-cache-status")).isEqualTo("MISS");
        h.upstream(miss, 200, "application/json", ANSWER);
        CacheHarness.awaitUntil(() -> h.stage.semanticStored() > before, "the question is indexed");
    }

    private void assertMiss(String path, String body, String... headers) {
        Decision d = h.send(path, body, headers);
        assertThat(forwarded(d).responseHeaders().get("cf-aig-cache-status")).isEqualTo("MISS");
        h.upstream(d, 503, "application/json", "{\"error\":{\"message\":\"busy\"}}");
    }

    @Test
    void aParaphraseIsAnsweredFromTheStoredEntryAndSaysHowItMatched() {
        store(CHAT, ask(STORED));

        Decision.Answer hit = answered(h.send(CHAT, ask(PARAPHRASE)));

        assertThat(hit.headers().get("cf-aig-cache-status")).isEqualTo("HIT");
        assertThat(hit.headers().get("fairway-cache-match")).matches("semantic; similarity=0\\.(8[5-9]|9)\\d*");
        assertThat(body(hit)).isEqualTo(ANSWER);
        assertThat(h.stage.semanticHits()).isEqualTo(1);
        // The exact question is still an exact hit.
        assertThat(answered(h.send(CHAT, ask(STORED))).headers().get("fairway-cache-match")).isEqualTo("exact");
    }

    @Test
    void aQuestionThatDiffersInNegationOrNumberIsAMiss() {
        store(CHAT, ask("Will I be charged when the trial ends?"));
        assertMiss(CHAT, ask("Will I not be charged when the trial ends?"));
        store(CHAT, ask("Can I get a refund after 30 days?"));
        assertMiss(CHAT, ask("Can I get a refund after 60 days?"));
        assertThat(h.stage.semanticHits()).isZero();
    }

    @Test
    void neverAcrossCredentialsRoutesOrSystemPrompts() {
        store(CHAT, ask(STORED));

        assertMiss(CHAT, ask(PARAPHRASE), "authorization", "Bearer sk-tenant-b");
        assertMiss("/neighbour" + CHAT, ask(PARAPHRASE));
        assertMiss(CHAT, ask(PARAPHRASE).replace("billing questions", "travel questions"));
        assertThat(h.stage.semanticHits()).isZero();
    }

    @Test
    void aStoredStreamAnswersStreamingRequestsOnly() {
        String sse = "data: {\"choices\":[{\"delta\":{\"content\":\"Yes\"}}]}\n\ndata: [DONE]\n\n";
        String streamed = ask(STORED).replace("{\"model\"", "{\"stream\":true,\"model\"");
        long before = h.stage.semanticStored();
        Decision miss = h.send(CHAT, streamed);
        h.upstream(miss, 200, "text/event-stream", sse);
        CacheHarness.awaitUntil(() -> h.stage.semanticStored() > before, "the stream is indexed");

        assertMiss(CHAT, ask(PARAPHRASE));
        Decision.Answer hit = answered(h.send(CHAT, ask(PARAPHRASE).replace("{\"model\"", "{\"stream\":true,\"model\"")));

        assertThat(body(hit)).isEqualTo(sse);
        assertThat(hit.headers().get("fairway-cache-match")).startsWith("semantic");
    }

    @Test
    void skipCacheAndExcludedRequestsAreNotLookedUpByMeaning() {
        store(CHAT, ask(STORED));

        Decision skipped = h.send(CHAT, ask(PARAPHRASE), "cf-aig-skip-cache", "true");
        assertThat(forwarded(skipped).responseHeaders().get("cf-aig-cache-status")).isNull();
        assertMiss(CHAT, ask(PARAPHRASE).replace("{\"model\"", "{\"temperature\":1.5,\"model\""));
        assertMiss(CHAT, ask(PARAPHRASE).replace("{\"model\"", "{\"n\":2,\"model\""));
        assertMiss(CHAT, ask(PARAPHRASE).replace("{\"model\"", "{\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],\"model\""));
        assertMiss("/exact" + CHAT, ask(PARAPHRASE));
        assertThat(h.stage.semanticHits()).isZero();
    }

    @Test
    void aRequestChoosesItsThresholdWithinTheRoutesBoundsOrGetsA400() {
        store(CHAT, ask(STORED));

        assertMiss(CHAT, ask(PARAPHRASE), "fairway-cache-similarity", "0.99");
        Decision.Answer refused = answered(h.send(CHAT, ask(PARAPHRASE), "fairway-cache-similarity", "0.5"));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(body(refused)).contains("fairway-cache-similarity").contains("0.8").doesNotContain("0.5");
        assertThat(answered(h.send(CHAT, ask(PARAPHRASE), "fairway-cache-similarity", "0.85")).headers().get("cf-aig-cache-status"))
                .isEqualTo("HIT");
    }

    @Test
    void theIndexSurvivesARestart() {
        store(CHAT, ask(STORED));
        h.close();

        h = new CacheHarness(dir, ROUTES);

        assertThat(answered(h.send(CHAT, ask(PARAPHRASE))).headers().get("fairway-cache-match")).startsWith("semantic");
    }
}
