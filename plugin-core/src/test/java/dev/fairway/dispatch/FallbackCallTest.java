package dev.fairway.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.error.GatewayError;
import dev.fairway.plan.DispatchPlan;
import dev.fairway.plan.PlannedTarget;
import dev.fairway.retry.BreakerSettings;
import dev.fairway.retry.CircuitBreaker;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FallbackCallTest {
    private final AtomicLong now = new AtomicLong();
    private final Fakes.Script inner = new Fakes.Script();
    private final Fakes.Waits waits = new Fakes.Waits();
    private final Promise<Void> clientLeft = Promise.promise();
    private final List<PlannedTarget> targets = List.of(Fakes.target(0, "openai", 1), Fakes.target(1, "mistral", 1), Fakes.target(2, "groq", 1));
    private final DispatchPlan plan = new DispatchPlan(targets, Set.of(503), BreakerSettings.defaults(), List.of(), Map.of(2, Set.of(400)));
    private final Map<PlannedTarget, CircuitBreaker> circuits = new HashMap<>();
    private final FallbackCall call = new FallbackCall(inner, plan, t -> circuits.computeIfAbsent(t, k -> Fakes.circuit(now)), 10, waits, "log-1");

    private Future<UpstreamHead> call() {
        return call.call(Attempt.first(plan.first(), clientLeft.future()));
    }

    @Test
    void theFirstTargetAnswers() {
        UpstreamHead ok = Fakes.head(200);
        inner.then(ok);
        assertThat(call().result()).isSameAs(ok);
        assertThat(inner.attempts).extracting(Attempt::index).containsExactly(0);
        assertThat(waits.waits).isEmpty();
    }

    @Test
    void movingOnTriesTheNextTargetWithItsOwnRule() {
        UpstreamHead ok = Fakes.head(200);
        inner.then(new MoveOn("status 503")).then(new MoveOn("status 503")).then(ok);
        assertThat(call().result()).isSameAs(ok);
        assertThat(inner.attempts).extracting(Attempt::index).containsExactly(0, 1, 2);
        assertThat(inner.attempts).extracting(a -> a.target().step()).containsExactly(0, 1, 2);
        assertThat(inner.attempts).extracting(a -> a.circuit()).containsExactly(circuits.get(targets.get(0)), circuits.get(targets.get(1)),
                circuits.get(targets.get(2)));
        assertThat(waits.waits).containsExactly(0L, 0L);
        Attempt first = inner.attempts.get(0);
        assertThat(first.rule().decide(dev.fairway.retry.RetryRule.Result.answered(503, -1), 1, 1).action())
                .as("a step that is not the last moves on").isEqualTo(dev.fairway.retry.RetryRule.Action.NEXT);
        Attempt last = inner.attempts.get(2);
        assertThat(last.rule().decide(dev.fairway.retry.RetryRule.Result.answered(503, -1), 1, 3).action())
                .as("the last accepts").isEqualTo(dev.fairway.retry.RetryRule.Action.ACCEPT);
        assertThat(first.rule().health(dev.fairway.retry.RetryRule.Result.answered(400, -1)))
                .isEqualTo(dev.fairway.retry.RetryRule.Health.IGNORE);
        assertThat(inner.attempts.get(1).rule().decide(dev.fairway.retry.RetryRule.Result.answered(400, -1), 1, 2).action())
                .as("the plan's statuses").isEqualTo(dev.fairway.retry.RetryRule.Action.ACCEPT);
    }

    @Test
    void aStepsOwnStatusesDecideItsFallback() {
        DispatchPlan narrowed = new DispatchPlan(targets, Set.of(503), BreakerSettings.defaults(), List.of(), Map.of(0, Set.of(400)));
        FallbackCall c = new FallbackCall(inner, narrowed, t -> Fakes.circuit(now), 10, waits, "log-1");
        inner.then(Fakes.head(200));
        c.call(Attempt.first(narrowed.first(), clientLeft.future()));
        assertThat(inner.attempts.get(0).rule().decide(dev.fairway.retry.RetryRule.Result.answered(400, -1), 1, 1).action())
                .isEqualTo(dev.fairway.retry.RetryRule.Action.NEXT);
    }

    @Test
    void anOpenCircuitIsSkippedButTheLastTargetIsAlwaysTried() {
        for (PlannedTarget t : targets) {
            CircuitBreaker c = Fakes.circuit(now);
            c.onFailure();
            circuits.put(t, c);
        }
        UpstreamHead ok = Fakes.head(200);
        inner.then(ok);
        assertThat(call().result()).isSameAs(ok);
        assertThat(inner.attempts).extracting(Attempt::index).containsExactly(2);
    }

    @Test
    void aFailureIsAnsweredWithoutFallingBack() {
        GatewayError refused = GatewayError.of(dev.fairway.error.ErrorType.UNAUTHORIZED, "bad key");
        inner.then(refused);
        assertThat(call().cause()).isSameAs(refused);
        assertThat(inner.attempts).hasSize(1);
    }

    @Test
    void aClientThatLeftIsNotFallenBackFor() {
        FallbackCall c = new FallbackCall(inner, plan, t -> Fakes.circuit(now), 10, (ms, next) -> {
            clientLeft.tryComplete();
            next.run();
        }, "log-1");
        inner.then(new MoveOn("status 503"));
        assertThat(c.call(Attempt.first(plan.first(), clientLeft.future())).cause()).isSameAs(Cancelled.INSTANCE);
        assertThat(inner.attempts).hasSize(1);
    }

    @Test
    void startingPastTheLastTargetIsAnError() {
        Attempt past = new Attempt(plan.first(), 3, 0, 0, null, null, clientLeft.future(), null);
        Future<UpstreamHead> head = call.call(past);
        assertThat(head.cause()).isInstanceOf(GatewayError.class).hasMessage("no target is left to try");
        assertThat(inner.attempts).isEmpty();
    }
}
