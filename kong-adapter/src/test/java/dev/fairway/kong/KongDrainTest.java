package dev.fairway.kong;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.kong.pdk.KongDriver;
import dev.fairway.kong.pdk.KongDriver.PluginConf;
import dev.fairway.kong.pdk.KongRequest;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpResponse;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kong stops or reloads its plugin server with SIGTERM. A real child process, signalled while a
 * stream it relays is mid-answer: it stops taking events and frees the socket path for the next
 * server at once, finishes the stream, then exits 0.
 */
class KongDrainTest {
    private static final String CHAT_STREAM = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    /** A safety net for a loaded machine, never a measurement. */
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void sigtermFinishesTheStreamInFlightTakesNoNewEventsAndExitsZero() throws Exception {
        try (FakeUpstream upstream = new FakeUpstream()) {
            Path socket = dir.resolve("fairway.socket");
            Path config = Files.writeString(dir.resolve("fairway.yaml"), "server: {admin_port: 0, drain_seconds: 600}\n"
                    + "logs: {spool_dir: '" + dir.resolve("spool") + "'}\n"
                    + "providers: {openai: {base_url: '" + upstream.baseUrl() + "'}}\n");
            Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "-Xmx256m",
                    "-cp", System.getProperty("java.class.path"), KongPluginServerMain.class.getName(),
                    "--socket", socket.toString(), "--config", config.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
            try {
                awaitListening(socket, child);
                PluginConf conf = new PluginConf("plugin-1", 1, Map.of("name", "chat"));
                try (KongDriver kong = new KongDriver(socket, "fairway")) {
                    KongRequest req = kong.handle(conf, "access", FairwayKongPluginTest.chat(CHAT_STREAM));
                    assertThat(req.forwarded()).isTrue();
                    HttpResponse<InputStream> response = FairwayKongPluginTest.proxy(req);
                    try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), UTF_8))) {
                        assertThat(lines.readLine()).isEqualTo("data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}");

                        child.destroy(); // SIGTERM
                        awaitGone(socket, child);

                        KongRequest late = kong.handle(conf, "access", FairwayKongPluginTest.chat(CHAT_STREAM));
                        assertThat(late.forwarded()).as("no new event once stopping").isFalse();
                        assertThat(kong.errors).containsExactly("the plugin server is stopping and takes no new events");
                        assertThat(child.isAlive()).as("still relaying the stream").isTrue();

                        upstream.releaseStream.countDown();
                        assertThat(lines.readLine()).isEmpty();
                        assertThat(lines.readLine()).isEqualTo("data: {\"choices\":[{\"delta\":{\"content\":\"lo\"}}]}");
                        assertThat(lines.readLine()).isEmpty();
                        assertThat(lines.readLine()).isEqualTo("data: [DONE]");
                    }
                }
                assertThat(child.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("exits after the drain").isTrue();
                assertThat(child.exitValue()).isZero();
                assertThat(Files.readString(dir.resolve("child.log"))).contains("stopped taking Kong events", "every open request finished");
            } finally {
                child.destroyForcibly();
            }
        }
    }

    private static void awaitListening(Path socket, Process child) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline && child.isAlive()) {
            if (Files.exists(socket)) {
                try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    ch.connect(UnixDomainSocketAddress.of(socket));
                    return;
                } catch (java.io.IOException e) {
                    // bound but not yet accepting
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the plugin server did not start listening: " + List.of(child.isAlive(), socket));
    }

    private static void awaitGone(Path socket, Process child) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (Files.exists(socket) && System.nanoTime() < deadline && child.isAlive()) {
            Thread.sleep(20);
        }
        assertThat(socket).as("the socket path is free for the next server").doesNotExist();
    }
}
