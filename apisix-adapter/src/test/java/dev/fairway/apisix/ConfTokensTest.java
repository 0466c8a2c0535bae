package dev.fairway.apisix;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.config.ConfigLoader;
import dev.fairway.config.RouteConfig;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ConfTokensTest {
    private final AtomicLong clock = new AtomicLong(-5_000_000_000L);
    private final RouteConfig a = ConfigLoader.withEnv(Map.of()).parseRoute("{\"name\":\"a\"}");
    private final RouteConfig b = ConfigLoader.withEnv(Map.of()).parseRoute("{\"name\":\"b\"}");

    @Test
    void tokensLiveTwiceTheTtlPlusGrace() {
        ConfTokens tokens = new ConfTokens(Duration.ofSeconds(60), clock::get, 16);
        long token = tokens.issue("k", "{a}", a);

        clock.addAndGet(Duration.ofSeconds(129).toNanos());
        assertThat(tokens.route(token)).isSameAs(a);
        clock.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(tokens.route(token)).isNull();
        assertThat(tokens.size()).isZero();
    }

    @Test
    void sameKeyAndConfShareATokenAndAChangedConfGetsANewOne() {
        ConfTokens tokens = new ConfTokens(Duration.ofSeconds(60), clock::get, 16);

        long first = tokens.issue("route#1#1", "{a}", a);
        long again = tokens.issue("route#1#1", "{a}", a);
        long changed = tokens.issue("route#1#1", "{b}", b);
        long keyless = tokens.issue(null, "{a}", a);

        assertThat(again).isEqualTo(first);
        assertThat(changed).isNotEqualTo(first);
        assertThat(tokens.route(changed)).isSameAs(b);
        assertThat(keyless).isNotIn(first, changed);
    }

    @Test
    void aRepeatedPrepareExtendsTheTokensLife() {
        ConfTokens tokens = new ConfTokens(Duration.ofSeconds(60), clock::get, 16);
        long token = tokens.issue("route#1#1", "{a}", a);
        clock.addAndGet(Duration.ofSeconds(100).toNanos());

        assertThat(tokens.issue("route#1#1", "{a}", a)).isEqualTo(token);
        clock.addAndGet(Duration.ofSeconds(129).toNanos());

        assertThat(tokens.route(token)).as("130 s from the repeated prepare, not from the first").isSameAs(a);
    }

    @Test
    void tokensAreDrawnFromTheWholeRangeNotCountedFromOne() {
        ConfTokens tokens = new ConfTokens(Duration.ofSeconds(60), clock::get, 16, new java.util.SplittableRandom(7));
        ConfTokens other = new ConfTokens(Duration.ofSeconds(60), clock::get, 16, new java.util.SplittableRandom(8));

        long mine = tokens.issue("route#1#1", "{a}", a);
        long theirs = other.issue("route#2#1", "{b}", b);

        assertThat(mine).isBetween(1L, 0xFFFF_FFFFL).isNotEqualTo(theirs);
        assertThat(tokens.route(theirs)).as("another runner's token is unknown here").isNull();
    }

    @Test
    void beyondCapacityTheOldestGoes() {
        ConfTokens tokens = new ConfTokens(Duration.ofSeconds(60), clock::get, 2);
        long t1 = tokens.issue("1", "{a}", a);
        clock.addAndGet(1);
        long t2 = tokens.issue("2", "{a}", a);
        clock.addAndGet(1);
        long t3 = tokens.issue("3", "{b}", b);

        assertThat(tokens.route(t1)).isNull();
        assertThat(tokens.route(t2)).isSameAs(a);
        assertThat(tokens.route(t3)).isSameAs(b);
        assertThat(tokens.size()).isEqualTo(2);
    }
}
