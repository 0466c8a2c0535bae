package dev.fairway.cache;

import static dev.fairway.cache.CacheHarness.CHAT;
import static dev.fairway.cache.CacheHarness.answered;
import static dev.fairway.cache.CacheHarness.body;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.pipeline.Decision;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SingleFlightStageTest {
    private static final String ASK = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String ANSWER = "{\"id\":\"c1\",\"choices\":[{\"message\":{\"content\":\"hello\"}}]}";

    @TempDir
    Path dir;

    private static List<CompletableFuture<Decision>> sendMany(CacheHarness h, int n) {
        List<CompletableFuture<Decision>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(h.sendAsync(CHAT, ASK));
        }
        return all;
    }

    /** The one request that went upstream, once every other has started waiting for it. */
    private static Decision leader(CacheHarness h, List<CompletableFuture<Decision>> all) {
        CompletableFuture.anyOf(all.toArray(CompletableFuture[]::new)).orTimeout(10, TimeUnit.SECONDS).join();
        List<Decision> done = all.stream().filter(CompletableFuture::isDone).map(CompletableFuture::join).toList();
        assertThat(done).hasSize(1).allMatch(d -> d instanceof Decision.Forward);
        assertThat(h.stage.flights().waiting()).isEqualTo(all.size() - 1);
        return done.get(0);
    }

    private static List<Decision> rest(List<CompletableFuture<Decision>> all, Decision leader) {
        return all.stream().map(f -> f.orTimeout(10, TimeUnit.SECONDS).join()).filter(d -> d != leader).toList();
    }

    @Test
    void twentyIdenticalMissesMakeOneUpstreamCallAndTheOthersAnswerFromItsEntry() {
        try (CacheHarness h = new CacheHarness(dir, "  - {name: r, cache: {enabled: true}}")) {
            List<CompletableFuture<Decision>> all = sendMany(h, 20);
            Decision leader = leader(h, all);

            h.upstream(leader, 200, "application/json", ANSWER);

            List<Decision> followers = rest(all, leader);
            assertThat(followers).hasSize(19).allSatisfy(d -> {
                Decision.Answer a = answered(d);
                assertThat(a.headers().get("cf-aig-cache-status")).isEqualTo("HIT");
                assertThat(body(a)).isEqualTo(ANSWER);
            });
            assertThat(h.stage.flights().waiting()).isZero();
            assertThat(h.timers).as("finished waits cancel their timers").isEmpty();
        }
    }

    @Test
    void followersGoUpstreamThemselvesWhenTheLeaderStoresNothing() {
        try (CacheHarness h = new CacheHarness(dir, "  - {name: r, cache: {enabled: true}}")) {
            List<CompletableFuture<Decision>> all = sendMany(h, 3);
            Decision leader = leader(h, all);

            h.upstream(leader, 429, "application/json", "{\"error\":{\"message\":\"slow down\"}}");

            assertThat(rest(all, leader)).hasSize(2).allSatisfy(d ->
                    assertThat(CacheHarness.forwarded(d).responseHeaders().get("cf-aig-cache-status")).isEqualTo("MISS"));
        }
    }

    @Test
    void followersStopWaitingWhenTheirWaitRunsOut() {
        try (CacheHarness h = new CacheHarness(dir, "  - {name: r, cache: {enabled: true, single_flight_wait_ms: 5000}}")) {
            List<CompletableFuture<Decision>> all = sendMany(h, 3);
            Decision leader = leader(h, all);

            h.fireTimers();

            assertThat(rest(all, leader)).hasSize(2).allMatch(d -> d instanceof Decision.Forward);
            assertThat(h.stage.flights().inFlight()).isEqualTo(1);
            assertThat(h.timers).isEmpty();
        }
    }

    @Test
    void withSingleFlightOffIdenticalMissesAllGoUpstream() {
        try (CacheHarness h = new CacheHarness(dir, "  - {name: r, cache: {enabled: true, single_flight_wait_ms: 0}}")) {
            List<Decision> all = sendMany(h, 3).stream().map(f -> f.orTimeout(10, TimeUnit.SECONDS).join()).toList();
            assertThat(all).allMatch(d -> d instanceof Decision.Forward);
        }
    }
}
