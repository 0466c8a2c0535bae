package dev.fairway.cache;

import static dev.fairway.cache.CacheHarness.CHAT;
import static dev.fairway.cache.CacheHarness.forwarded;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.pipeline.Exchange;
import java.nio.file.Path;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key format itself. Entries on disk outlive the process, so a key computed differently after an
 * upgrade silently orphans every stored answer: the format may change, but only on purpose, and then
 * these values change with it.
 */
class CacheKeyTest {
    private static final String ROUTES = """
              - name: cached
                prefix: /
                cache: {enabled: true}
              - name: twin
                prefix: /twin
                cache: {enabled: true}
              - name: authed
                prefix: /authed
                cache: {enabled: true}
                auth: {accept_host_consumer: true}
            """;

    @AutoClose
    final CacheHarness h;

    CacheKeyTest(@TempDir Path dir) {
        h = new CacheHarness(dir, ROUTES);
    }

    private Exchange exchange(String path, String body) {
        return finished(h.send(path, body));
    }

    /** The exchange of a forwarded request, ended by an upstream error (nothing is stored). */
    private Exchange finished(dev.fairway.pipeline.Decision d) {
        Exchange e = forwarded(d);
        h.upstream(d, 503, "application/json", "{}");
        return e;
    }

    private static String ask(String content) {
        return "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]}";
    }

    @Test
    void theComputedKeyIsPinned() {
        assertThat(CacheKey.of(exchange(CHAT, ask("hi")))).isEqualTo("7ecca9d3a7dc714b4e3a53e0dcf6bc26d5353622a422eaaceea4df84d5f437cb");
    }

    @Test
    void lengthsBeyondOneAndTwoBytesArePrefixedWhole() {
        // 300 and 70,000 bytes: the length prefix's second and third bytes are not zero.
        assertThat(CacheKey.of(exchange(CHAT, ask("a".repeat(300))))).isEqualTo("ab9ca354a06ac87e90b1fa616a8fe4d0a13789813554f109f28ca9e26979a0f4");
        assertThat(CacheKey.of(exchange(CHAT, ask("b".repeat(70_000))))).isEqualTo("6af81aee76f4b517210ade58b83130ceabe44e157c9546075581903f376e818e");
    }

    @Test
    void theComputedKeyIsScopedByRoute() {
        // Two routes may differ in TTL, entry size and streams: one route's entries never answer another's requests.
        assertThat(CacheKey.of(exchange("/twin" + CHAT, ask("hi")))).isNotEqualTo(CacheKey.of(exchange(CHAT, ask("hi"))));
    }

    @Test
    void theCallersKeyIsPinned() {
        assertThat(CacheKey.custom(exchange(CHAT, ask("hi")), "k1")).isEqualTo("2637137e04fa3c1ac6d5b23b1d0e41d253a2d4957de35b0ac2c81bbf03d6fc72");
    }

    @Test
    void theCallersKeyIsScopedByGatewayClientAndHostConsumer() {
        Exchange alice = finished(h.sendAs("alice", "/authed" + CHAT, ask("hi")));
        Exchange bob = finished(h.sendAs("bob", "/authed" + CHAT, ask("hi")));
        assertThat(CacheKey.custom(alice, "k1")).isEqualTo("19a35318a94d2d5896d798ec8d5da0b0332bf217bbf4625b74ff7c0462497a14").isNotEqualTo(CacheKey.custom(bob, "k1"));
    }
}
