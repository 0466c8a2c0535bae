package dev.fairway.apisix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunnerEnvironmentTest {

    @Test
    void readsWhatApisixSets() {
        RunnerEnvironment env = RunnerEnvironment.from(Map.of(
                "APISIX_LISTEN_ADDRESS", "unix:/usr/local/apisix/conf/apisix-1.sock", "APISIX_CONF_EXPIRE_TIME", "3600"));

        assertThat(env.socket()).isEqualTo(Path.of("/usr/local/apisix/conf/apisix-1.sock"));
        assertThat(env.confTtl()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void expireTimeDefaultsToApisixsValue() {
        assertThat(RunnerEnvironment.from(Map.of("APISIX_LISTEN_ADDRESS", "unix:/tmp/x.sock")).confTtl()).isEqualTo(Duration.ofSeconds(3600));
    }

    @Test
    void errorsNameTheVariable() {
        assertThatThrownBy(() -> RunnerEnvironment.from(Map.of())).hasMessageStartingWith("APISIX_LISTEN_ADDRESS: not set");
        assertThatThrownBy(() -> RunnerEnvironment.from(Map.of("APISIX_LISTEN_ADDRESS", "/tmp/x.sock")))
                .hasMessage("APISIX_LISTEN_ADDRESS: /tmp/x.sock (expected: unix:/path/to/socket)");
        assertThatThrownBy(() -> RunnerEnvironment.from(Map.of("APISIX_LISTEN_ADDRESS", "unix:/tmp/x.sock", "APISIX_CONF_EXPIRE_TIME", "1h")))
                .hasMessage("APISIX_CONF_EXPIRE_TIME: 1h (expected: whole seconds > 0)");
        assertThatThrownBy(() -> RunnerEnvironment.from(Map.of("APISIX_LISTEN_ADDRESS", "unix:/tmp/x.sock", "APISIX_CONF_EXPIRE_TIME", "0")))
                .hasMessage("APISIX_CONF_EXPIRE_TIME: 0 (expected: whole seconds > 0)");
    }
}
