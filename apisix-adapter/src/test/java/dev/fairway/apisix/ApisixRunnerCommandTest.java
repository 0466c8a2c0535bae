package dev.fairway.apisix;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ApisixRunnerCommandTest {
    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    private int run(Map<String, String> env, String... args) {
        CommandLine cli = new CommandLine(new ApisixRunnerCommand(env));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void withoutApisixsEnvironmentItSaysWhatIsMissing() {
        assertThat(run(Map.of())).isEqualTo(2);
        assertThat(err.toString()).contains("APISIX_LISTEN_ADDRESS: not set");
    }

    @Test
    void aBadConfigFileIsReportedFieldByField() throws Exception {
        Path config = Files.writeString(dir.resolve("fairway.yaml"), "dispatch:\n  loopback_port: 70000\n");

        int code = run(Map.of("APISIX_LISTEN_ADDRESS", "unix:" + dir.resolve("r.sock")), "--config", config.toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("dispatch.loopback_port: 70000 (expected: 0..65535)");
    }

    @Test
    void helpDescribesTheDeployment() {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new ApisixRunnerCommand(Map.of()));
        cli.setOut(new PrintWriter(out, true));

        assertThat(cli.execute("--help")).isZero();
        assertThat(out.toString()).contains("ext-plugin.cmd").contains("APISIX_LISTEN_ADDRESS").contains("--config");
    }
}
