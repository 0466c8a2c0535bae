package dev.fairway.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import dev.fairway.retry.CircuitBreaker.Phase;
import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CircuitBreakersTest {
    private final AtomicLong now = new AtomicLong();
    private final BreakerSettings settings = new BreakerSettings(true, 3, 10, 30);

    private static BreakerKey key(String route) {
        return BreakerKey.of(route, "openai", URI.create("https://api.openai.com/v1/chat/completions"), null);
    }

    @Test
    void oneCircuitPerKey() {
        CircuitBreakers breakers = new CircuitBreakers(now::get);
        CircuitBreaker a = breakers.circuit(key("a"), settings);
        assertThat(breakers.circuit(key("a"), settings)).isSameAs(a);
        assertThat(breakers.circuit(key("b"), settings)).isNotSameAs(a);
        for (int i = 0; i < 3; i++) {
            a.onFailure();
        }
        assertThat(breakers.phase(key("a"))).isEqualTo(Phase.OPEN);
        assertThat(breakers.phase(key("b"))).isEqualTo(Phase.CLOSED);
        assertThat(breakers.phase(key("never"))).isEqualTo(Phase.CLOSED);
        assertThat(breakers.size()).isEqualTo(2);
    }

    @Test
    void theRegistryIsBounded() {
        CircuitBreakers breakers = new CircuitBreakers(now::get, 100);
        for (int i = 0; i < 5_000; i++) {
            breakers.circuit(key("route-" + i), settings);
        }
        assertThat(breakers.size()).isLessThanOrEqualTo(100);
        assertThat(new CircuitBreakers(now::get).size()).isZero();
        assertThat(CircuitBreakers.MAX_CIRCUITS).isEqualTo(10_000);
    }

    @Test
    void idleCircuitsAreForgotten() {
        CircuitBreakers breakers = new CircuitBreakers(now::get);
        CircuitBreaker a = breakers.circuit(key("a"), settings);
        for (int i = 0; i < 3; i++) {
            a.onFailure();
        }
        now.addAndGet(CircuitBreakers.IDLE.toNanos() - 1);
        assertThat(breakers.phase(key("a"))).as("used within the idle time").isEqualTo(Phase.OPEN);
        now.addAndGet(CircuitBreakers.IDLE.toNanos() + 1);
        assertThat(breakers.size()).isZero();
        assertThat(breakers.phase(key("a"))).isEqualTo(Phase.CLOSED);
    }

    @Test
    void aReconfiguredRouteStartsItsCircuitsAfresh() {
        CircuitBreakers breakers = new CircuitBreakers(now::get);
        CircuitBreaker a = breakers.circuit(key("a"), settings);
        BreakerSettings stricter = new BreakerSettings(true, 1, 10, 30);
        CircuitBreaker b = breakers.circuit(key("a"), stricter);
        assertThat(b).isNotSameAs(a);
        assertThat(b.settings()).isEqualTo(stricter);
        assertThat(breakers.circuit(key("a"), stricter)).isSameAs(b);
    }

    @Test
    void aRouteWithBreakersOffGetsACircuitThatIsNeitherKeptNorOpened() {
        CircuitBreakers breakers = CircuitBreakers.systemClock();
        BreakerSettings off = new BreakerSettings(false, 1, 10, 30);
        CircuitBreaker c = breakers.circuit(key("a"), off);
        c.onFailure();
        assertThat(c.tryAcquire()).isTrue();
        assertThat(breakers.size()).isZero();
        assertThatNullPointerException().isThrownBy(() -> breakers.circuit(null, settings));
    }
}
