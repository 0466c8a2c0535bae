package dev.fairway.apisix;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The restart harness itself: it starts a real runner process and times a real answer (no timing asserted). */
class RestartTimerTest {
    @TempDir
    Path dir;

    @Test
    void timesARunnerProcessFromSpawnToItsFirstAnsweredRequest() throws Exception {
        RestartTimer.Run run = RestartTimer.once(RunnerProcess.fromTestClasspath(List.of()), dir);

        assertThat(run.answer()).isInstanceOf(ApisixDriver.Rewritten.class);
        assertThat(((ApisixDriver.Rewritten) run.answer()).header("x-fairway-ticket")).isNotBlank();
        assertThat(run.toFirstAnswer()).isPositive();
    }
}
