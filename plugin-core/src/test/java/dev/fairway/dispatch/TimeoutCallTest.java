package dev.fairway.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.plan.PlannedTarget;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TimeoutCallTest {
    private final Fakes.Script inner = new Fakes.Script();
    private final Fakes.Timers timers = new Fakes.Timers();
    private final TimeoutCall call = new TimeoutCall(inner, timers, t -> 300);
    private final PlannedTarget target = Fakes.target(0, "openai", 1);
    private final Promise<Void> clientLeft = Promise.promise();

    private Attempt attempt() {
        return Fakes.attempt(target, true, Fakes.circuit(new AtomicLong()), clientLeft.future());
    }

    @Test
    void noFirstByteInTimeFailsAsATimeoutAndAbandonsTheAttempt() {
        inner.then(null);
        Future<UpstreamHead> waiting = call.call(attempt());
        assertThat(timers.delays).containsExactly(300L);
        assertThat(inner.attempts.get(inner.attempts.size() - 1).cancelled().isComplete()).isFalse();
        timers.tasks.get(0).run();
        assertThat(waiting.failed()).isTrue();
        GatewayError e = (GatewayError) waiting.cause();
        assertThat(e.type()).isEqualTo(ErrorType.UPSTREAM_TIMEOUT);
        assertThat(e.getMessage()).isEqualTo("the provider sent no response within 300 ms");
        assertThat(e.details()).containsEntry("timeout_ms", 300);
        assertThat(inner.attempts.get(inner.attempts.size() - 1).cancelled().isComplete()).as("the attempt is dropped").isTrue();
        assertThat(timers.cancelled).isEqualTo(1);
    }

    @Test
    void aHeadInTimeIsPassedOnAndItsTimerCancelled() {
        UpstreamHead answer = Fakes.head(200);
        inner.then(answer);
        Future<UpstreamHead> head = call.call(attempt());
        assertThat(head.result()).isSameAs(answer);
        assertThat(timers.cancelled).isEqualTo(1);
        timers.tasks.get(0).run();
        assertThat(head.result()).as("a late timer changes nothing").isSameAs(answer);
    }

    @Test
    void aFailureInTimeIsPassedOn() {
        GatewayError refused = GatewayError.of(ErrorType.UPSTREAM_UNAVAILABLE, "no");
        inner.then(refused);
        assertThat(call.call(attempt()).cause()).isSameAs(refused);
        assertThat(timers.cancelled).isEqualTo(1);
    }

    @Test
    void theAttemptNothingCanFollowWaitsWithoutATimeout() {
        inner.then(null);
        Attempt last = Fakes.attempt(target, true, Fakes.circuit(new AtomicLong()), clientLeft.future()).numbered(1, 2);
        call.call(last);
        assertThat(timers.delays).isEmpty();
        assertThat(inner.attempts.get(0)).isSameAs(last);
    }

    @Test
    void aClientLeavingAbandonsTheAttempt() {
        inner.then(null);
        Future<UpstreamHead> head = call.call(attempt());
        clientLeft.complete();
        assertThat(inner.attempts.get(0).cancelled().isComplete()).isTrue();
        assertThat(head.cause()).isSameAs(Cancelled.INSTANCE);
        assertThat(timers.cancelled).isEqualTo(1);
    }

    @Test
    void theTimeIsTheTargets() {
        TimeoutCall perTarget = new TimeoutCall(inner, timers, t -> 1000 + t.step());
        inner.then(null);
        perTarget.call(Fakes.attempt(Fakes.target(7, "openai", 1), true, Fakes.circuit(new AtomicLong()), clientLeft.future()));
        assertThat(timers.delays).containsExactly(1007L);
    }
}
