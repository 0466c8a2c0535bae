package dev.fairway.cache;

import static dev.fairway.cache.CacheHarness.CHAT;
import static dev.fairway.cache.CacheHarness.forwarded;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.pipeline.Exchange;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
              - name: authed
                prefix: /authed
                cache: {enabled: true}
                auth: {accept_host_consumer: true}
            """;

    @TempDir
    Path dir;
    CacheHarness h;

    @BeforeEach
    void start() {
        h = new CacheHarness(dir, ROUTES);
    }

    @AfterEach
    void stop() {
        h.close();
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
        assertThat(CacheKey.of(exchange(CHAT, ask("hi")))).isEqualTo("8b2f43398e1bfff6adfde0503ac2f197bb0d4d47ba28a5b0ff6216e8ed458471");
    }

    @Test
    void lengthsBeyondOneAndTwoBytesArePrefixedWhole() {
        // 300 and 70,000 bytes: the length prefix's second and third bytes are not zero.
        assertThat(CacheKey.of(exchange(CHAT, ask("a".repeat(300))))).isEqualTo("2d6ca66ee5f0a3561ec00b42ce3d5656848a9616d15c57bb1642dab79689e10b");
        assertThat(CacheKey.of(exchange(CHAT, ask("b".repeat(70_000))))).isEqualTo("b39581cb82009ece7aa65abc6a032aaa5987bc0f04fbfa43578fa7e3acbe4041");
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
