package dev.fairway.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.plan.PlannedTarget;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RetryingCallTest {
    private final Fakes.Script inner = new Fakes.Script();
    private final Fakes.Waits waits = new Fakes.Waits();
    private final Trip trip = new Trip();
    private final RetryingCall call = new RetryingCall(inner, waits, trip);
    private final Promise<Void> clientLeft = Promise.promise();
    private final PlannedTarget target = Fakes.target(0, "openai", 3);

    private Future<UpstreamHead> call(boolean lastTarget) {
        return call.call(Fakes.attempt(target, lastTarget, Fakes.circuit(new AtomicLong()), clientLeft.future()));
    }

    @Test
    void aRetriedStatusIsDroppedAndTheTargetTriedAgainAfterTheWait() {
        UpstreamHead busy = Fakes.head(503);
        UpstreamHead ok = Fakes.head(200);
        inner.then(busy).then(ok);
        assertThat(call(true).result()).isSameAs(ok);
        assertThat(((Fakes.Body) busy.body()).resumed).as("read to its end").isTrue();
        assertThat(((Fakes.Body) ok.body()).resumed).as("left paused for the relay").isFalse();
        assertThat(waits.waits).containsExactly(100L);
        assertThat(inner.attempts).extracting(Attempt::number).containsExactly(1, 2);
        assertThat(inner.attempts).extracting(Attempt::made).containsExactly(1, 2);
        assertThat(trip.made()).isEqualTo(2);
        assertThat(trip.current()).isSameAs(target);
    }

    @Test
    void retryAfterSetsTheWait() {
        inner.then(Fakes.head(429, "retry-after", "2")).then(Fakes.head(200));
        call(true);
        assertThat(waits.waits).containsExactly(2000L);
    }

    @Test
    void spentRetriesRelayTheLastAnswerWhenNothingFollows() {
        UpstreamHead last = Fakes.head(503);
        inner.then(Fakes.head(503)).then(Fakes.head(503)).then(last);
        assertThat(call(true).result()).isSameAs(last);
        assertThat(trip.made()).isEqualTo(3);
    }

    @Test
    void spentRetriesMoveOnWhenATargetFollows() {
        UpstreamHead last = Fakes.head(503);
        inner.then(Fakes.head(503)).then(Fakes.head(503)).then(last);
        Future<UpstreamHead> head = call(false);
        assertThat(head.cause()).isInstanceOf(MoveOn.class).hasMessage("status 503");
        assertThat(((Fakes.Body) last.body()).resumed).isTrue();
    }

    @Test
    void failuresAreRetriedThenAnsweredAsTheyCame() {
        GatewayError down = GatewayError.of(ErrorType.UPSTREAM_UNAVAILABLE, "down");
        inner.then(down).then(down).then(down);
        assertThat(call(true).cause()).isSameAs(down);
        assertThat(waits.waits).containsExactly(100L, 100L);
        assertThat(trip.made()).isEqualTo(3);
    }

    @Test
    void aRefusalIsAnsweredAtOnce() {
        GatewayError refused = GatewayError.of(ErrorType.UNAUTHORIZED, "bad key");
        inner.then(refused);
        assertThat(call(false).cause()).isSameAs(refused);
        assertThat(inner.attempts).hasSize(1);
    }

    @Test
    void aClientThatLeftDuringTheWaitGetsNoFurtherAttempt() {
        RetryingCall later = new RetryingCall(inner, (ms, retry) -> {
            clientLeft.tryComplete();
            retry.run();
        }, trip);
        inner.then(Fakes.head(503)).then(Fakes.head(200));
        Future<UpstreamHead> head = later.call(Fakes.attempt(target, true, Fakes.circuit(new AtomicLong()), clientLeft.future()));
        assertThat(head.cause()).isSameAs(Cancelled.INSTANCE);
        assertThat(inner.attempts).hasSize(1);
    }

    @Test
    void aClientLeavingMidAttemptEndsTheCall() {
        inner.then(null);
        Future<UpstreamHead> head = call(false);
        clientLeft.complete();
        assertThat(head.cause()).isSameAs(Cancelled.INSTANCE);
        assertThat(inner.attempts).hasSize(1);
    }
}
