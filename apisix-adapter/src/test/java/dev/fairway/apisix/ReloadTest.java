package dev.fairway.apisix;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.apisix.ApisixDriver.PluginConf;
import dev.fairway.apisix.ApisixDriver.Request;
import dev.fairway.apisix.ApisixDriver.Rewritten;
import dev.fairway.log.verify.LogVerifier;
import dev.fairway.log.verify.VerifyReport;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An APISIX reload with two runner processes, as init.lua plays it: the new privileged agent spawns
 * the new runner on the same socket path while the old agent's exit_worker sends the old one
 * SIGTERM; the shared dict survives, so the new workers keep the old tokens. Nothing accepted is
 * lost: the old runner's stream finishes through its dispatcher, the new runner serves at once,
 * and the log spool both wrote is one verifiable chain.
 */
class ReloadTest {
    private static final Duration SAFETY_NET = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    private FakeProvider provider;
    private RunnerProcess oldRunner;
    private RunnerProcess newRunner;

    @org.junit.jupiter.api.BeforeEach
    void startProvider() throws Exception {
        provider = new FakeProvider();
    }

    @AfterEach
    void stop() throws Exception {
        provider.close();
        if (oldRunner != null) {
            oldRunner.close();
        }
        if (newRunner != null) {
            newRunner.close();
        }
    }

    @Test
    void aReloadDrainsTheOldRunnersStreamWhileTheNewOneServesAtOnce() throws Exception {
        int dispatcherPort = freePort();
        Path config = dir.resolve("fairway.yaml");
        Files.writeString(config, "dispatch:\n  loopback_port: " + dispatcherPort + "\nserver:\n  admin_port: " + freePort()
                + "\n  drain_seconds: 120\n");
        Path socket = dir.resolve("apisix-1.sock");
        List<String> command = RunnerProcess.fromTestClasspath(List.of(), "--config", config.toString());
        Map<String, String> env = Map.of("OPENAI_KEY", "sk-test");
        PluginConf route = PluginConf.fairway("1", "{\"name\":\"chat\",\"providers\":{\"openai\":{\"base_url\":\""
                + provider.baseUrl() + "\",\"api_key\":\"${env:OPENAI_KEY}\"}}}");
        Forwarder nginx = new Forwarder(dispatcherPort);

        oldRunner = RunnerProcess.start(command, socket, dir, env);
        assertThat(oldRunner.awaitListening(socket, SAFETY_NET)).as(oldRunner.output()).isTrue();
        try (ApisixDriver apisix = new ApisixDriver(socket, System::nanoTime)) {
            Request streaming = chat("{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            Rewritten first = (Rewritten) apisix.communicate(route, streaming);
            HttpResponse<InputStream> stream = nginx.send(streaming, first);
            BufferedReader events = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
            assertThat(events.readLine()).contains("Hel");

            // nginx -s reload: the new runner starts on the same path, the old one gets SIGTERM.
            apisix.reload();
            newRunner = RunnerProcess.start(command, socket, dir, env);
            oldRunner.process.destroy();
            assertThat(awaitOutput(newRunner, "APISIX runner listening")).as(newRunner.output()).isTrue();

            for (int i = 0; i < 3; i++) {
                Request request = chat("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"n" + i + "\"}]}");
                Rewritten rewrite = (Rewritten) apisix.communicate(i + 1, route, request);
                HttpResponse<InputStream> response = nginx.send(request, rewrite);
                assertThat(response.statusCode()).as("request %d after the reload", i).isEqualTo(200);
                response.body().readAllBytes();
            }
            assertThat(oldRunner.process.isAlive()).as("the old runner still drains its stream").isTrue();

            provider.releaseStream();
            StringBuilder rest = new StringBuilder();
            for (String line; (line = events.readLine()) != null; ) {
                rest.append(line).append('\n');
            }
            assertThat(rest.toString()).contains("lo").contains("data: [DONE]");
            assertThat(oldRunner.process.waitFor(SAFETY_NET.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(oldRunner.process.exitValue()).as(oldRunner.output()).isZero();
            assertThat(Files.exists(socket)).as("the old runner left the new one's socket alone").isTrue();
        }
        assertThat(newRunner.terminate(SAFETY_NET)).as(newRunner.output()).isZero();

        VerifyReport report = LogVerifier.verifySpool(dir.resolve(".fairway/spool"));
        assertThat(report.intact()).as(report.describe()).isTrue();
        assertThat(report.records()).as("the stream and the three requests after the reload").isEqualTo(4);
    }

    private static boolean awaitOutput(RunnerProcess runner, String line) throws InterruptedException {
        long deadline = System.nanoTime() + SAFETY_NET.toNanos();
        while (System.nanoTime() - deadline < 0 && runner.process.isAlive()) {
            if (runner.output().contains(line)) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    private static Request chat(String body) {
        return Request.of("POST", "/openai/v1/chat/completions", body.getBytes(StandardCharsets.UTF_8),
                "host", "ai.example.com", "content-type", "application/json");
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
