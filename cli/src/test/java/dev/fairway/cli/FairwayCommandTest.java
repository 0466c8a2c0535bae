package dev.fairway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.config.ConfigLoader;
import dev.fairway.config.GatewayConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FairwayCommandTest {
    @Test
    void everyCommandExplainsItself() {
        var cl = FairwayCommand.commandLine();
        for (String name : cl.getSubcommands().keySet()) {
            StringWriter out = new StringWriter();
            cl.getSubcommands().get(name).usage(new PrintWriter(out));
            assertThat(out.toString()).as(name).contains("Usage: fairway " + name).contains("--help");
        }
        assertThat(cl.getSubcommands()).containsKeys("serve", "mock-provider", "kong-pluginserver", "apisix-runner", "envoy-extproc", "hash-token", "verify-logs");
    }

    @Test
    void badConfigurationExitsWithTheProblemsNotAStackTrace() {
        var cl = FairwayCommand.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        int status = cl.execute("serve", "--port", "70000");
        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).contains("server.port: 70000 (expected: 0..65535)").doesNotContain("Exception");
    }

    @Test
    void demoOverlayPointsProvidersAtTheMockAndKeepsTheRest() {
        String text = ConfigOverlay.apply("routes: [{name: r, prefix: /ai}]\nproviders: {openai: {api_key: mine}}",
                null, 9000, null, "http://127.0.0.1:1234", java.nio.file.Path.of("/tmp/demo-x"));
        GatewayConfig c = ConfigLoader.withEnv(Map.of()).parse(text);
        assertThat(c.server().port()).isEqualTo(9000);
        assertThat(c.routes().get(0).prefix()).isEqualTo("/ai");
        assertThat(c.providers().get("openai").baseUrl()).isEqualTo("http://127.0.0.1:1234/v1");
        assertThat(c.providers().get("azure-openai").baseUrl()).isEqualTo("http://127.0.0.1:1234/openai/deployments/{deployment}");
        // A demo keeps its state apart from any other demo's, even in the same working directory.
        assertThat(c.logs().spoolDir()).isEqualTo("/tmp/demo-x/spool");
        assertThat(c.cacheStorage().directory()).isEqualTo("/tmp/demo-x/cache");
    }
}
