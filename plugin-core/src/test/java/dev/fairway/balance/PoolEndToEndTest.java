package dev.fairway.balance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.mock.Fault;
import dev.fairway.mock.MockOptions;
import dev.fairway.mock.RecordedRequest;
import dev.fairway.testing.GatewayHarness;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Pools through the standalone gateway and the mock provider; members are told apart by the key each sends. */
class PoolEndToEndTest {
    private static final String CHAT = "/openai/v1/chat/completions";
    private static final String ASK = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private GatewayHarness gw;

    @AfterEach
    void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    private static String pool(String strategy, String extra, String members) {
        return """
                routes:
                  - name: chat
                    pools:
                      - provider: openai
                        strategy: %s
                %s
                        members:
                %s
                """.formatted(strategy, extra, members);
    }

    private static boolean from(RecordedRequest r, String key) {
        return r.header("authorization").orElse("").equals("Bearer " + key);
    }

    /** The member each upstream request went to, in order. */
    private List<String> members() {
        return gw.mock().requests().stream().map(r -> r.header("authorization").orElse("").replace("Bearer sk-", "")).toList();
    }

    @Test
    void weightedRandomSplitsRequestsByWeight() {
        gw = GatewayHarness.start(pool("weighted_random", "", """
                          - {name: a, api_key: sk-a, weight: 3}
                          - {name: b, api_key: sk-b, weight: 1}
                """), MockOptions.defaults());
        for (int i = 0; i < 200; i++) {
            assertThat(gw.post(CHAT, ASK).statusCode()).isEqualTo(200);
        }
        long a = members().stream().filter("a"::equals).count();
        assertThat(members()).hasSize(200).containsOnly("a", "b");
        // 3:1 over 200 requests: 150 expected, a standard deviation of 6.1.
        assertThat(a).isBetween(125L, 175L);
    }

    @Test
    void aFailingMemberIsEjectedAfterConsecutiveFailuresAndTriedAgainAfterTheCoolDown() throws Exception {
        // The route falls back on 500 only: b's 503, which the route would retry, still goes to a at once.
        gw = GatewayHarness.start(pool("weighted_random", "        eject_after: 2\n        cooldown_seconds: 2", """
                          - {name: a, api_key: sk-a}
                          - {name: b, api_key: sk-b}
                """) + "    fallback: {on_status: [500]}\n", MockOptions.builder().fault(r -> from(r, "sk-b"), Fault.status(503)).build());
        for (int i = 0; i < 12; i++) {
            HttpResponse<String> r = gw.post(CHAT, ASK);
            assertThat(r.statusCode()).as("b's 503 moves on to a at once").isEqualTo(200);
            assertThat(r.headers().firstValue("cf-aig-step")).hasValue("0");
        }
        assertThat(members().stream().filter("b"::equals).count()).as("ejected after its second failure").isEqualTo(2);
        gw.mock().reset();
        Thread.sleep(2_100);
        for (int i = 0; i < 30 && !members().contains("b"); i++) {
            assertThat(gw.post(CHAT, ASK).statusCode()).isEqualTo(200);
        }
        assertThat(members()).as("re-admitted after the cool-down").contains("b");
        int tried = members().size();
        for (int i = 0; i < 6; i++) {
            gw.post(CHAT, ASK);
        }
        assertThat(members().subList(tried, members().size())).as("one more failure ejected it again").containsOnly("a");
    }

    @Test
    void aMemberOverItsRateLimitIsPassedOverAndTheLastOneAnswers429() {
        gw = GatewayHarness.start(pool("least_outstanding", "", """
                          - {name: a, api_key: sk-a, rate_limit: {limit: 2, window: 60s, technique: fixed}}
                          - {name: b, api_key: sk-b, rate_limit: {limit: 1, window: 60s, technique: fixed}}
                """), MockOptions.defaults());
        for (int i = 0; i < 3; i++) {
            assertThat(gw.post(CHAT, ASK).statusCode()).isEqualTo(200);
        }
        assertThat(members()).containsExactlyInAnyOrder("a", "a", "b");
        HttpResponse<String> refused = gw.post(CHAT, ASK);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.body()).contains("\"type\":\"rate_limited\"").containsPattern("\"member\":\"[ab]\"");
        assertThat(members()).hasSize(3);
    }

    @Test
    void leastOutstandingSendsTheNextRequestToTheIdleMember() {
        gw = GatewayHarness.start(pool("least_outstanding", "", """
                          - {name: a, api_key: sk-a}
                          - {name: b, api_key: sk-b}
                """), MockOptions.defaults());
        for (int round = 0; round < 3; round++) {
            gw.mock().reset();
            CompletableFuture<HttpResponse<String>> slow = postAsync("x-mock-delay-ms", "1000");
            awaitRequests(1);
            String busy = members().get(0);
            assertThat(gw.post(CHAT, ASK).statusCode()).isEqualTo(200);
            assertThat(members().get(1)).as("round %d: the member without a request in flight", round).isNotEqualTo(busy);
            assertThat(slow.orTimeout(20, TimeUnit.SECONDS).join().statusCode()).isEqualTo(200);
        }
    }

    @Test
    void lowestLatencyPrefersTheFasterMember() {
        gw = GatewayHarness.start(pool("lowest_latency", "", """
                          - {name: a, api_key: sk-a}
                          - {name: b, api_key: sk-b}
                """), MockOptions.builder().fault(r -> from(r, "sk-a"), Fault.builder().firstByteDelay(Duration.ofMillis(400)).build()).build());
        for (int i = 0; i < 12; i++) {
            assertThat(gw.post(CHAT, ASK).statusCode()).isEqualTo(200);
        }
        // Each member is measured once (an unmeasured member costs nothing), then the faster wins every pair.
        assertThat(members().subList(0, 2)).containsExactlyInAnyOrder("a", "b");
        assertThat(members().subList(2, 12)).containsOnly("b");
    }

    private CompletableFuture<HttpResponse<String>> postAsync(String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.baseUrl() + CHAT)).timeout(Duration.ofSeconds(20))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(ASK));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return gw.http().sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void awaitRequests(int n) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (gw.mock().requestCount() < n) {
            if (System.nanoTime() > until) {
                throw new AssertionError("the mock never got " + n + " request(s)");
            }
            Thread.onSpinWait();
        }
    }
}
