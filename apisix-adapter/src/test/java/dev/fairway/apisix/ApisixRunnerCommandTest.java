package dev.fairway.apisix;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ApisixRunnerCommandTest {
    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    private int run(Map<String, String> env, String... args) {
        CommandLine cli = new CommandLine(new ApisixRunnerCommand(env, false));
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
    void runsUntilStoppedAndRemovesItsSocket() throws Exception {
        Path socket = dir.resolve("apisix.sock");
        Path config = Files.writeString(dir.resolve("fairway.yaml"), "providers:\n  openai:\n    api_key: ${env:OPENAI_API_KEY}\n");
        ApisixRunnerCommand command = new ApisixRunnerCommand(Map.of("APISIX_LISTEN_ADDRESS", "unix:" + socket,
                "APISIX_CONF_EXPIRE_TIME", "120", "OPENAI_API_KEY", "sk-x"), false);
        CommandLine cli = new CommandLine(command);
        cli.setErr(new PrintWriter(err, true));
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute("--config", config.toString()));

        ApisixRunner runner = command.started().get(30, TimeUnit.SECONDS);
        assertThat(runner.socket()).isEqualTo(socket).exists();
        try (ApisixDriver apisix = new ApisixDriver(socket, System::nanoTime)) {
            ApisixDriver.Outcome outcome = apisix.communicate(ApisixDriver.PluginConf.fairway("1", "{}"),
                    ApisixDriver.Request.of("POST", "/openai/v1/chat/completions", "{}".getBytes(), "cf-aig-authorization", "Basic x"));
            assertThat(outcome).isInstanceOfSatisfying(ApisixDriver.Stopped.class, s -> assertThat(s.status()).isEqualTo(400));
        }
        command.stop();

        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(socket).doesNotExist();
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void helpDescribesTheDeployment() {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new ApisixRunnerCommand(Map.of(), false));
        cli.setOut(new PrintWriter(out, true));

        assertThat(cli.execute("--help")).isZero();
        assertThat(out.toString()).contains("ext-plugin.cmd").contains("APISIX_LISTEN_ADDRESS").contains("--config");
    }
}
