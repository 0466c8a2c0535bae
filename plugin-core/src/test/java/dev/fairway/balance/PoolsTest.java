package dev.fairway.balance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.config.ConfigLoader;
import dev.fairway.config.ProviderSettings;
import dev.fairway.config.RouteConfig;
import dev.fairway.headers.CfAigHeaderParser;
import dev.fairway.http.Headers;
import dev.fairway.plan.PlannedTarget;
import dev.fairway.provider.ProviderRegistry;
import dev.fairway.provider.UpstreamTarget;
import dev.fairway.quota.QuotaBackend;
import dev.fairway.retry.RetryPolicy;
import dev.fairway.retry.RetryRule;
import dev.fairway.retry.RetrySettings;
import io.github.bucket4j.TimeMeter;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PoolsTest {
    private static final long SECOND = 1_000_000_000L;
    private final AtomicLong now = new AtomicLong(1_000 * SECOND);
    private final Pools pools = new Pools(QuotaBackend.inMemory(TimeMeter.SYSTEM_MILLISECONDS), new Random(1)::nextDouble, now::get);

    private static RouteConfig route(String pools) {
        return ConfigLoader.withEnv(Map.of()).parseRoute("name: r\npools:\n" + pools);
    }

    private static PlannedTarget openai(int maxAttempts) {
        UpstreamTarget t = new UpstreamTarget(ProviderRegistry.builtIn().require("openai"), URI.create("https://api.openai.com/v1/chat/completions?x=1"),
                new ProviderSettings(dev.fairway.config.Secret.literal("sk-route"), null, null, null), "chat/completions", null, false);
        RetryPolicy retry = RetryPolicy.of(new RetrySettings(maxAttempts, 0, "constant", null, null, null), CfAigHeaderParser.parse(new Headers()), () -> 0);
        return new PlannedTarget(0, t, "gpt-4o-mini", false, null, null, new Headers(), null, retry);
    }

    private static List<String> names(List<PlannedTarget> ts) {
        return ts.stream().map(t -> t.member().name()).toList();
    }

    private static final String TWO = """
              - provider: openai
                strategy: least_outstanding
                eject_after: 2
                cooldown_seconds: 30
                members:
                  - {name: a, base_url: "https://a.example/v1", api_key: sk-a}
                  - {name: b}
            """;

    @Test
    void aTargetOfAnotherProviderIsLeftAlone() {
        PlannedTarget t = openai(1);
        assertThat(pools.expand(route(TWO.replace("provider: openai", "provider: mistral")), t)).containsExactly(t);
    }

    @Test
    void eachMemberGetsItsOwnUrlAndKeyAndOnlyTheLastKeepsTheRetries() {
        List<PlannedTarget> ts = pools.expand(route(TWO), openai(3));
        assertThat(names(ts)).containsExactlyInAnyOrder("a", "b");
        PlannedTarget a = ts.stream().filter(t -> t.member().name().equals("a")).findFirst().orElseThrow();
        PlannedTarget b = ts.stream().filter(t -> t.member().name().equals("b")).findFirst().orElseThrow();
        assertThat(a.target().uri()).hasToString("https://a.example/v1/chat/completions?x=1");
        assertThat(a.target().settings().key(null).reveal()).isEqualTo("sk-a");
        assertThat(b.target().uri()).hasToString("https://api.openai.com/v1/chat/completions?x=1");
        assertThat(b.target().settings().key(null).reveal()).isEqualTo("sk-route");
        assertThat(ts.get(0).retry().maxAttempts()).isEqualTo(1);
        assertThat(ts.get(1).retry().maxAttempts()).isEqualTo(3);
        assertThat(ts).allMatch(t -> t.step() == 0 && t.model().equals("gpt-4o-mini"));
    }

    @Test
    void leastOutstandingSeesAttemptsInFlight() {
        RouteConfig r = route(TWO);
        PlannedTarget first = pools.expand(r, openai(1)).get(0);
        first.member().started();
        assertThat(pools.expand(r, openai(1)).get(0).member().name()).isNotEqualTo(first.member().name());
        first.member().finished(RetryRule.Health.SUCCESS, 200, 1_000);
        first.member().started();
        first.member().started();
        PlannedTarget other = pools.expand(r, openai(1)).get(0);
        other.member().started();
        assertThat(pools.expand(r, openai(1)).get(0).member().name()).isEqualTo(other.member().name());
    }

    @Test
    void consecutiveFailuresEjectAMemberUntilTheCoolDownEnds() {
        RouteConfig r = route(TWO);
        PlannedTarget a = member(r, "a");
        a.member().finished(RetryRule.Health.FAILURE, 503, 1_000);
        assertThat(names(pools.expand(r, openai(1)))).as("one failure of two").contains("a");
        a.member().finished(RetryRule.Health.FAILURE, 0, 1_000);
        assertThat(names(pools.expand(r, openai(1)))).containsExactly("b");
        now.addAndGet(29 * SECOND);
        assertThat(names(pools.expand(r, openai(1)))).containsExactly("b");
        now.addAndGet(SECOND);
        assertThat(names(pools.expand(r, openai(1)))).as("re-admitted after 30 s").contains("a", "b");
        // Re-admitted on probation: one more failure ejects it again, a success clears it.
        member(r, "a").member().finished(RetryRule.Health.FAILURE, 503, 1_000);
        assertThat(names(pools.expand(r, openai(1)))).containsExactly("b");
        now.addAndGet(30 * SECOND);
        member(r, "a").member().finished(RetryRule.Health.SUCCESS, 200, 1_000);
        member(r, "a").member().finished(RetryRule.Health.FAILURE, 503, 1_000);
        assertThat(names(pools.expand(r, openai(1)))).as("one failure after a success").contains("a", "b");
    }

    @Test
    void a429EjectsEvenWhenTheRouteDoesNotCountIt() {
        RouteConfig r = route(TWO);
        member(r, "b").member().finished(RetryRule.Health.IGNORE, 429, 1_000);
        member(r, "b").member().finished(RetryRule.Health.IGNORE, 429, 1_000);
        assertThat(names(pools.expand(r, openai(1)))).containsExactly("a");
    }

    @Test
    void whenEveryMemberIsEjectedTheOneBackSoonestIsTried() {
        RouteConfig r = route(TWO);
        member(r, "b").member().finished(RetryRule.Health.FAILURE, 503, 1);
        member(r, "b").member().finished(RetryRule.Health.FAILURE, 503, 1);
        now.addAndGet(5 * SECOND);
        member(r, "a").member().finished(RetryRule.Health.FAILURE, 503, 1);
        member(r, "a").member().finished(RetryRule.Health.FAILURE, 503, 1);
        assertThat(names(pools.expand(r, openai(2)))).containsExactly("b");
        assertThat(pools.expand(r, openai(2)).get(0).retry().maxAttempts()).isEqualTo(2);
    }

    @Test
    void oneRoutesMemberHealthIsNotAnothers() {
        RouteConfig r = route(TWO);
        RouteConfig other = ConfigLoader.withEnv(Map.of()).parseRoute("name: other\npools:\n" + TWO);
        member(r, "a").member().finished(RetryRule.Health.FAILURE, 503, 1);
        member(r, "a").member().finished(RetryRule.Health.FAILURE, 503, 1);
        assertThat(names(pools.expand(r, openai(1)))).containsExactly("b");
        assertThat(names(pools.expand(other, openai(1)))).contains("a", "b");
    }

    @Test
    void aMembersRateLimitAdmitsItsLimitPerWindow() {
        RouteConfig r = route("""
                  - provider: openai
                    members:
                      - {name: a, rate_limit: {limit: 2, window: 60s, technique: fixed}}
                """);
        PlannedTarget a = pools.expand(r, openai(1)).get(0);
        assertThat(a.member().admit().join()).isTrue();
        assertThat(a.member().admit().join()).isTrue();
        assertThat(pools.expand(r, openai(1)).get(0).member().admit().join()).isFalse();
    }

    private PlannedTarget member(RouteConfig r, String name) {
        for (int i = 0; i < 50; i++) {
            for (PlannedTarget t : pools.expand(r, openai(1))) {
                if (t.member().name().equals(name)) {
                    return t;
                }
            }
        }
        throw new AssertionError("member " + name + " is not admitted");
    }
}
