package dev.fairway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.mock.MockOptions;
import dev.fairway.testing.GatewayHarness;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A stop (SIGTERM) drains: streams in flight finish, nothing new is accepted, the spool is flushed. */
@Timeout(60)
class GracefulStopTest {
    private static final String STREAM = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"drain me\"}]}";

    @Test
    void aStreamInFlightRunsToItsEndAndItsRecordIsWritten() throws Exception {
        String spool = GatewayHarness.tempDir("fairway-drain-spool");
        GatewayHarness harness = GatewayHarness.start("server: {port: 0, admin_port: 0, drain_seconds: 30}\n"
                + "logs: {spool_dir: '" + spool + "'}\n", MockOptions.defaults());
        int port = harness.fairway().port();
        HttpResponse<InputStream> stream = openStream(harness, 12, 100);
        String logId = stream.headers().firstValue("cf-aig-log-id").orElseThrow();
        BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
        List<String> events = new ArrayList<>();
        events.add(lines.readLine()); // the stream has begun before the stop

        CompletableFuture<Boolean> stop = CompletableFuture.supplyAsync(() -> harness.fairway().shutdownGracefully(() -> {}));
        awaitRefused(port);
        for (String line; (line = lines.readLine()) != null; ) {
            events.add(line);
        }

        assertThat(events).contains("data: [DONE]");
        assertThat(events.stream().filter(l -> l.startsWith("data: {")).count()).isGreaterThanOrEqualTo(12);
        assertThat(stop.get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(harness.fairway().gateway().inFlight().count()).isZero();
        assertThat(spoolText(Path.of(spool))).contains(logId);
        harness.mock().close();
    }

    @Test
    void whatOutlivesTheDrainTimeIsCut() throws Exception {
        GatewayHarness harness = GatewayHarness.start("server: {port: 0, admin_port: 0, drain_seconds: 1}\n", MockOptions.defaults());
        HttpResponse<InputStream> stream = openStream(harness, 200, 100); // 20 s of events
        BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
        lines.readLine();

        boolean drained = harness.fairway().shutdownGracefully(() -> {});

        assertThat(drained).isFalse();
        List<String> rest = new ArrayList<>();
        try {
            for (String line; (line = lines.readLine()) != null; ) {
                rest.add(line);
            }
        } catch (IOException cut) {
            // the connection was closed under the reader: that is the cut
        }
        assertThat(rest).doesNotContain("data: [DONE]");
        harness.mock().close();
    }

    @Test
    void theHostsIntakeStopsFirst() {
        GatewayHarness harness = GatewayHarness.start("server: {port: 0, admin_port: 0, drain_seconds: 5}\n", MockOptions.defaults());
        List<String> order = new ArrayList<>();
        harness.fairway().shutdownGracefully(() -> order.add("intake stopped, port " + harness.fairway().port()));
        assertThat(order).hasSize(1);
        // A second stop waits for the first and changes nothing.
        assertThat(harness.fairway().shutdownGracefully(() -> order.add("again"))).isTrue();
        assertThat(order).hasSize(1);
        harness.mock().close();
    }

    private static HttpResponse<InputStream> openStream(GatewayHarness harness, int chunks, int delayMs) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(harness.baseUrl() + "/openai/v1/chat/completions"))
                .header("content-type", "application/json")
                .header("x-mock-chunks", String.valueOf(chunks))
                .header("x-mock-chunk-delay-ms", String.valueOf(delayMs))
                .POST(HttpRequest.BodyPublishers.ofString(STREAM))
                .build();
        HttpResponse<InputStream> r = harness.http().send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        return r;
    }

    /** Waits until the gateway's port takes no new connection. */
    private static void awaitRefused(int port) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            } catch (ConnectException refused) {
                return;
            } catch (IOException other) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("port " + port + " still accepts connections while stopping");
    }

    private static String spoolText(Path dir) throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                try {
                    all.append(Files.readString(f, StandardCharsets.UTF_8));
                } catch (java.nio.charset.MalformedInputException binary) {
                    // not a text segment (a lock file)
                } catch (UncheckedIOException e) {
                    throw e.getCause();
                }
            }
        }
        return all.toString();
    }
}
