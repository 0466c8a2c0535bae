package dev.fairway.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.retry.CircuitBreaker;
import dev.fairway.retry.CircuitBreaker.Phase;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Each attempt reports once to a circuit on trial (threshold 1, opened, cooled down, one trial out). */
class CircuitBreakerCallTest {
    private final AtomicLong now = new AtomicLong();
    private final Fakes.Script inner = new Fakes.Script();
    private final CircuitBreakerCall call = new CircuitBreakerCall(inner);
    private final Promise<Void> clientLeft = Promise.promise();
    private final CircuitBreaker circuit = Fakes.circuit(now);

    private Future<UpstreamHead> trial(Object result) {
        circuit.onFailure();
        now.addAndGet(30_000_000_000L);
        assertThat(circuit.tryAcquire()).isTrue();
        inner.then(result);
        return call.call(Fakes.attempt(Fakes.target(0, "openai", 1), false, circuit, clientLeft.future()));
    }

    @Test
    void aGoodAnswerClosesTheCircuitAndIsPassedOn() {
        UpstreamHead ok = Fakes.head(200);
        assertThat(trial(ok).result()).isSameAs(ok);
        assertThat(circuit.phase()).isEqualTo(Phase.CLOSED);
    }

    @Test
    void aFailingStatusOpensIt() {
        trial(Fakes.head(503));
        assertThat(circuit.phase()).isEqualTo(Phase.OPEN);
    }

    @Test
    void aTimeoutOrAnUnreachableProviderOpensIt() {
        GatewayError timeout = GatewayError.of(ErrorType.UPSTREAM_TIMEOUT, "late");
        assertThat(trial(timeout).cause()).isSameAs(timeout);
        assertThat(circuit.phase()).isEqualTo(Phase.OPEN);
        now.addAndGet(30_000_000_000L);
        assertThat(circuit.tryAcquire()).isTrue();
        inner.then(new IllegalStateException("connection reset"));
        call.call(Fakes.attempt(Fakes.target(0, "openai", 1), false, circuit, clientLeft.future()));
        assertThat(circuit.phase()).isEqualTo(Phase.OPEN);
    }

    @Test
    void aClientErrorFreesTheTrial() {
        trial(Fakes.head(400));
        assertThat(circuit.phase()).isEqualTo(Phase.HALF_OPEN);
        assertThat(circuit.tryAcquire()).as("the next request probes").isTrue();
    }

    @Test
    void aStatusTheRouteDoesNotCountFreesTheTrial() {
        trial(Fakes.head(501));
        assertThat(circuit.tryAcquire()).isTrue();
    }

    @Test
    void aRefusedCredentialFreesTheTrial() {
        trial(GatewayError.of(ErrorType.UNAUTHORIZED, "bad key"));
        assertThat(circuit.tryAcquire()).isTrue();
    }

    @Test
    void aClientLeavingMidTrialFreesIt() {
        Future<UpstreamHead> head = trial(null);
        assertThat(circuit.tryAcquire()).isFalse();
        clientLeft.complete();
        assertThat(head.cause()).isSameAs(Cancelled.INSTANCE);
        assertThat(circuit.phase()).isEqualTo(Phase.HALF_OPEN);
        assertThat(circuit.tryAcquire()).isTrue();
    }
}
