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

class CacheStageTest {
    private static final String ROUTES = """
              - name: cached
                prefix: /
                cache: {enabled: true, streams: true}
              - name: strict
                prefix: /strict
                cache: {enabled: true}
                strict_headers: true
              - name: other
                prefix: /other
                cache: {enabled: true}
              - name: plain
                prefix: /plain
              - name: authed
                prefix: /authed
                cache: {enabled: true}
                auth: {accept_host_consumer: true}
            """;
    private static final String ASK = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String ANSWER = "{\"id\":\"c1\",\"choices\":[{\"message\":{\"content\":\"hello\"}}]}";

    private final Path dir;
    @AutoClose
    final CacheHarness h;

    CacheStageTest(@TempDir Path dir) {
        this.dir = dir;
        h = new CacheHarness(dir, ROUTES);
    }

    private void store(String path, String body, String... headers) {
        Decision miss = h.send(path, body, headers);
        assertThat(forwarded(miss).responseHeaders().get("cf-aig-cache-status")).isEqualTo("MISS");
        h.upstream(miss, 200, "application/json", ANSWER);
    }

    private void assertHit(String path, String body, String... headers) {
        Decision.Answer hit = answered(h.send(path, body, headers));
        assertThat(hit.headers().get("cf-aig-cache-status")).isEqualTo("HIT");
        assertThat(body(hit)).isEqualTo(ANSWER);
    }

    private void assertMiss(String path, String body, String... headers) {
        Decision d = h.send(path, body, headers);
        assertThat(forwarded(d).responseHeaders().get("cf-aig-cache-status")).isEqualTo("MISS");
        h.upstream(d, 503, "application/json", "{\"error\":{\"message\":\"busy\"}}");
    }

    @Test
    void missThenHitReplaysStatusSelectedHeadersAndBody() {
        store(CHAT, ASK);

        Decision.Answer hit = answered(h.send(CHAT, ASK));

        assertThat(hit.status()).isEqualTo(200);
        assertThat(body(hit)).isEqualTo(ANSWER);
        assertThat(hit.headers().get("cf-aig-cache-status")).isEqualTo("HIT");
        assertThat(hit.headers().get("content-type")).isEqualTo("application/json");
        assertThat(hit.headers().get("age")).isEqualTo("0");
        assertThat(hit.headers().get("cf-aig-log-id")).isNotBlank();
        assertThat(hit.headers().contains("set-cookie")).isFalse();
        assertThat(hit.headers().contains("x-request-id")).isFalse();
    }

    @Test
    void ageCountsFromTheStoreAndTheDefaultTtlEndsTheEntry() {
        store(CHAT, ASK);
        h.clock.advanceSeconds(42);
        assertThat(answered(h.send(CHAT, ASK)).headers().get("age")).isEqualTo("42");

        h.clock.advanceSeconds(300 - 42);

        assertMiss(CHAT, ASK);
    }

    @Test
    void cacheTtlHeaderSetsTheEntrysLifetime() {
        store(CHAT, ASK, "cf-aig-cache-ttl", "60");
        h.clock.advanceSeconds(59);
        assertHit(CHAT, ASK);
        h.clock.advanceSeconds(1);
        assertMiss(CHAT, ASK);
    }

    @Test
    void legacyCacheTtlHeaderIsHonoured() {
        store(CHAT, ASK, "cf-cache-ttl", "3600");
        h.clock.advanceSeconds(3599);
        assertHit(CHAT, ASK);
    }

    @Test
    void onAStrictRouteCacheTtlOutsideItsRangeIsRefusedNamingTheRange() {
        for (String[] header : new String[][] {{"cf-aig-cache-ttl", "59"}, {"cf-aig-cache-ttl", "2592001"}, {"cf-cache-ttl", "10"}}) {
            Decision.Answer a = answered(h.send("/strict" + CHAT, ASK, header));
            assertThat(a.status()).isEqualTo(400);
            assertThat(body(a)).contains(header[0]).contains("60 to 2592000");
        }
    }

    @Test
    void skipCacheNeitherLooksUpNorStores() {
        store(CHAT, ASK);
        for (String name : new String[] {"cf-aig-skip-cache", "cf-skip-cache"}) {
            Decision d = h.send(CHAT, ASK, name, "true");
            assertThat(forwarded(d).responseHeaders().contains("cf-aig-cache-status")).isFalse();
            assertThat(forwarded(d).observer()).isNotInstanceOf(ResponseCapture.class);
        }
        String other = ASK.replace("hi", "skip me");
        h.upstream(h.send(CHAT, other, "cf-aig-skip-cache", "true"), 200, "application/json", ANSWER);
        assertMiss(CHAT, other);
    }

    @Test
    void routeWithCacheOffIgnoresRequestsWithoutACacheKey() {
        Decision d = h.send("/plain" + CHAT, ASK);
        assertThat(forwarded(d).responseHeaders().contains("cf-aig-cache-status")).isFalse();
    }

    @Test
    void cacheKeyOnARouteWithCacheOffCachesForFiveMinutes() {
        store("/plain" + CHAT, ASK, "cf-aig-cache-key", "greeting");
        h.clock.advanceSeconds(299);
        assertHit("/plain" + CHAT, ASK, "cf-aig-cache-key", "greeting");
        h.clock.advanceSeconds(1);
        assertMiss("/plain" + CHAT, ASK, "cf-aig-cache-key", "greeting");
    }

    @Test
    void cacheKeyReplacesTheComputedKeyWithinItsRouteOnly() {
        store(CHAT, ASK, "cf-aig-cache-key", "k1");

        assertHit(CHAT, ASK.replace("hi", "something else"), "cf-aig-cache-key", "k1");
        assertMiss(CHAT, ASK);
        assertMiss("/other" + CHAT, ASK, "cf-aig-cache-key", "k1");
    }

    @Test
    void twoCacheKeysOnOneRouteAreTwoEntries() {
        store(CHAT, ASK, "cf-aig-cache-key", "k1");

        assertMiss(CHAT, ASK, "cf-aig-cache-key", "k2");
        assertHit(CHAT, ASK, "cf-aig-cache-key", "k1");
    }

    @Test
    void aCacheKeyNeverReachesAnotherCredentialsEntry() {
        store(CHAT, ASK, "cf-aig-cache-key", "k1");

        // Another provider key, and no key at all (a tenant of its own, "anonymous"), each miss.
        assertMiss(CHAT, ASK, "cf-aig-cache-key", "k1", "authorization", "Bearer sk-tenant-b");
        Decision anonymous = h.gateway.decide(dev.fairway.pipeline.GatewayRequest.of("POST", CHAT,
                dev.fairway.http.Headers.of("content-type", "application/json", "cf-aig-cache-key", "k1"),
                "{\"model\":\"x\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8))).join();
        assertThat(forwarded(anonymous).responseHeaders().get("cf-aig-cache-status")).isEqualTo("MISS");
        assertHit(CHAT, ASK, "cf-aig-cache-key", "k1");
    }

    @Test
    void aCacheKeyNeverReachesAnotherProviderOrPath() {
        store(CHAT, ASK, "cf-aig-cache-key", "k1");

        assertMiss("/openai/v1/embeddings", ASK, "cf-aig-cache-key", "k1");
        assertMiss("/groq/openai/v1/chat/completions", ASK, "cf-aig-cache-key", "k1");
    }

    @Test
    void aCacheKeyNeverReachesAnotherGatewayClientsEntry() {
        Decision miss = h.sendAs("alice", "/authed" + CHAT, ASK, "cf-aig-cache-key", "k1");
        assertThat(forwarded(miss).responseHeaders().get("cf-aig-cache-status")).isEqualTo("MISS");
        h.upstream(miss, 200, "application/json", ANSWER);

        Decision bob = h.sendAs("bob", "/authed" + CHAT, ASK, "cf-aig-cache-key", "k1");
        assertThat(forwarded(bob).responseHeaders().get("cf-aig-cache-status")).isEqualTo("MISS");
        Decision.Answer again = answered(h.sendAs("alice", "/authed" + CHAT, ASK, "cf-aig-cache-key", "k1"));
        assertThat(again.headers().get("cf-aig-cache-status")).isEqualTo("HIT");
    }

    @Test
    void sameJsonInAnotherMemberOrderAndLayoutIsOneEntry() {
        store(CHAT, ASK);
        assertHit(CHAT, """
                {
                  "messages": [ { "content": "hi", "role": "user" } ],
                  "model": "gpt-4o-mini"
                }
                """);
    }

    @Test
    void aLargeBodyIsKeyedCanonicallyToo() {
        String text = "x".repeat(dev.fairway.body.Offload.BYTES);
        store(CHAT, "{\"model\":\"gpt-4o-mini\",\"input\":\"" + text + "\"}");
        assertHit(CHAT, "{ \"input\": \"" + text + "\", \"model\": \"gpt-4o-mini\" }");
        assertMiss(CHAT, "{\"model\":\"gpt-4o-mini\",\"input\":\"" + text + "y\"}");
    }

    @Test
    void metadataIsNotPartOfTheKey() {
        store(CHAT, ASK, "cf-aig-metadata", "{\"user\":\"alice\"}");
        assertHit(CHAT, ASK, "cf-aig-metadata", "{\"user\":\"bob\"}");
        assertHit(CHAT, ASK);
    }

    @Test
    void credentialModelPathAndBodyEachMakeTheirOwnEntry() {
        store(CHAT, ASK);

        assertMiss(CHAT, ASK, "authorization", "Bearer sk-tenant-b");
        assertMiss(CHAT, ASK.replace("gpt-4o-mini", "gpt-4o"));
        assertMiss("/openai/v1/completions", ASK);
        assertMiss(CHAT, ASK.replace("hi", "hi!"));
        assertMiss(CHAT, ASK.replace("}]}", "}],\"temperature\":0}"));
        assertHit(CHAT, ASK);
    }

    @Test
    void theSameRequestOnAnotherRouteWithTheSameProviderMakesItsOwnEntry() {
        // Routes differ in TTL, entry size and stream rules: one route's entries never answer another's.
        store(CHAT, ASK);
        assertMiss("/other" + CHAT, ASK);
    }

    @Test
    void failuresAndErrorObjectsAreNotStored() {
        Decision d = h.send(CHAT, ASK);
        h.upstream(d, 500, "application/json", "{\"error\":{\"message\":\"boom\"}}");
        assertMiss(CHAT, ASK);

        h.upstream(h.send(CHAT, ASK), 200, "application/json", "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}");
        assertMiss(CHAT, ASK);

        h.upstream(h.send(CHAT, ASK), 200, "application/json", "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\"}}");
        assertMiss(CHAT, ASK);

        h.upstreamCut(h.send(CHAT, ASK), "application/json", "{\"id\":\"c1\",\"choi");
        assertMiss(CHAT, ASK);
    }

    @Test
    void aResponseLargerThanTheEntryLimitIsRelayedButNotStored() {
        try (CacheHarness small = new CacheHarness(dir.resolve("small"), """
                  - name: small
                    cache: {enabled: true, max_entry_bytes: 64}
                """)) {
            String big = "{\"text\":\"" + "x".repeat(100) + "\"}";
            Decision d = small.send(CHAT, ASK);
            small.upstream(d, 200, "application/json", big.substring(0, 50), big.substring(50));
            Decision again = small.send(CHAT, ASK);
            assertThat(forwarded(again).responseHeaders().get("cf-aig-cache-status")).isEqualTo("MISS");
        }
    }

    @Test
    void aStreamIsStoredWhenItEndsCleanlyAndReplayedWithItsEventBoundaries() {
        String ask = ASK.replace("}]}", "}],\"stream\":true}");
        String[] events = {
            "data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n",
            "data: {\"choices\":[{\"delta\":{\"content\":\"lo\"}}]}\n",
            "\ndata: [DONE]\n\n"};
        h.upstream(h.send(CHAT, ask), 200, "text/event-stream; charset=utf-8", events);

        Decision.Answer hit = answered(h.send(CHAT, ask));

        assertThat(hit.headers().get("content-type")).isEqualTo("text/event-stream; charset=utf-8");
        assertThat(body(hit)).isEqualTo(String.join("", events));
        assertMiss(CHAT, ASK);
    }

    @Test
    void cutOrErrorEndedStreamsAreNeverStored() {
        String ask = ASK.replace("}]}", "}],\"stream\":true}");
        String first = "data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n";

        h.upstreamCut(h.send(CHAT, ask), "text/event-stream", first);
        assertMiss(CHAT, ask);

        h.upstream(h.send(CHAT, ask), 200, "text/event-stream", first, "data: {\"choices\":[{\"delta\":{\"cont");
        assertMiss(CHAT, ask);

        h.upstream(h.send(CHAT, ask), 200, "text/event-stream", first, "event: error\ndata: {\"message\":\"overloaded\"}\n\n");
        assertMiss(CHAT, ask);

        h.upstream(h.send(CHAT, ask), 200, "text/event-stream", first, "data: {\"error\":{\"message\":\"overloaded\"}}\n\n");
        assertMiss(CHAT, ask);
    }
}
