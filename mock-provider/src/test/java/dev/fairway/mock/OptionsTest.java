package dev.fairway.mock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** MockOptions and Fault validate their values and say which one is wrong. */
class OptionsTest {

    @Test
    void defaults() {
        MockOptions options = MockOptions.defaults();

        assertThat(options.host()).isEqualTo("127.0.0.1");
        assertThat(options.port()).isZero();
        assertThat(options.chunks()).isEqualTo(MockOptions.DEFAULT_CHUNKS);
        assertThat(options.faultRules()).isEmpty();
    }

    @Test
    void fromKeyValues() {
        MockOptions options = MockOptions.fromMap(Map.of("host", "0.0.0.0", "port", " 8089 ", "chunks", "12"));

        assertThat(options.host()).isEqualTo("0.0.0.0");
        assertThat(options.port()).isEqualTo(8089);
        assertThat(options.chunks()).isEqualTo(12);
    }

    @Test
    void badKeyValuesNameTheKey() {
        assertThatThrownBy(() -> MockOptions.fromMap(Map.of("prot", "1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown mock option 'prot'");
        assertThatThrownBy(() -> MockOptions.fromMap(Map.of("port", "eighty")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port must be an integer");
        assertThatThrownBy(() -> MockOptions.fromMap(Map.of("port", "70000")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port must be 0-65535");
        assertThatThrownBy(() -> MockOptions.fromMap(Map.of("chunks", "0")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chunks must be 1-");
        assertThatThrownBy(() -> MockOptions.fromMap(Map.of("host", " ")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host");
    }

    @Test
    void faultValuesAreChecked() {
        assertThatThrownBy(() -> Fault.status(200)).hasMessageContaining("status must be 400-599");
        assertThatThrownBy(() -> Fault.builder().times(0)).hasMessageContaining("times must be >= 1");
        assertThatThrownBy(() -> Fault.builder().cutAfter(-1)).hasMessageContaining("cutAfter");
        assertThatThrownBy(() -> Fault.builder().retryAfterSeconds(-1)).hasMessageContaining("retryAfterSeconds");
        assertThatThrownBy(() -> Fault.builder().chunkDelay(Duration.ofMillis(-1))).hasMessageContaining("chunkDelay");
        assertThatThrownBy(() -> Fault.builder().firstByteDelay(Duration.ofHours(1))).hasMessageContaining("firstByteDelay");
        assertThatThrownBy(() -> MockOptions.builder().fault(null, Fault.status(500))).isInstanceOf(NullPointerException.class);
    }

    @Test
    void faultIsAValue() {
        Fault a = Fault.builder().status(503).retryAfterSeconds(2).times(1).build();
        Fault b = Fault.builder().times(1).retryAfterSeconds(2).status(503).build();

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(Fault.status(503));
        assertThat(a.toString()).contains("status=503", "retryAfter=2s", "times=1");
        assertThat(Fault.builder().times(2).build().hasEffect()).isFalse();
    }
}
