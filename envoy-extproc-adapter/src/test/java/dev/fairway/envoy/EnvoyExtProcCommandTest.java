package dev.fairway.envoy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EnvoyExtProcCommandTest {
    @Test
    void invalidConfigExitsWith2ListingEveryProblem(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("fairway.yaml");
        Files.writeString(config, "routes: [{name: ai}]\nenvoy: {routes: {ai: {mode: teleport}}, on_timeout: shrug}\n");
        StringWriter err = new StringWriter();
        int code = new CommandLine(new EnvoyExtProcCommand()).setErr(new PrintWriter(err))
                .execute("--config", config.toString(), "--port", "0");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("envoy.routes.ai.mode: teleport (expected: dispatcher or direct)",
                "envoy.on_timeout: shrug (expected: reject or continue)");
    }

    @Test
    void helpDescribesTheOptions() {
        StringWriter out = new StringWriter();
        int code = new CommandLine(new EnvoyExtProcCommand()).setOut(new PrintWriter(out)).execute("--help");
        assertThat(code).isZero();
        assertThat(out.toString()).contains("envoy-extproc", "--port", "--socket", "--config", "x-fairway-route");
    }
}
