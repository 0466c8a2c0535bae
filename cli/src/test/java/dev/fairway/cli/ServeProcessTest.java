package dev.fairway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fairway serve --demo} as a user runs it: a real process, stopped with SIGTERM
 * ({@link Process#destroy()} sends it on POSIX systems).
 */
@Timeout(120)
class ServeProcessTest {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");
    private final List<Process> started = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path workDir;

    @AfterEach
    void killLeftovers() {
        started.forEach(Process::destroyForcibly);
    }

    @Test
    void sigtermLetsTheStreamInFlightFinishThenExitsZero() throws Exception {
        Process p = serve("--demo", "--port", "0", "--admin-port", "0");
        String base = awaitListening(p);
        HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(URI.create(base + "/openai/v1/chat/completions"))
                .header("content-type", "application/json")
                .header("x-mock-chunks", "15")
                .header("x-mock-chunk-delay-ms", "100")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
        List<String> events = new ArrayList<>();
        events.add(lines.readLine());

        p.destroy(); // SIGTERM

        for (String line; (line = lines.readLine()) != null; ) {
            events.add(line);
        }
        assertThat(events).contains("data: [DONE]");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
    }

    @Test
    void twoDemosInOneDirectoryBothServe() throws Exception {
        Process first = serve("--demo", "--port", "0", "--admin-port", "0");
        Process second = serve("--demo", "--port", "0", "--admin-port", "0");
        for (String base : List.of(awaitListening(first), awaitListening(second))) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/openai/v1/chat/completions"))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello Fairway\"}]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("Hello Fairway");
        }
    }

    @Test
    void aTakenPortIsOneLineThatNamesTheSetting() throws Exception {
        Process first = serve("--demo", "--port", "0", "--admin-port", "0");
        String port = awaitListening(first).replaceAll(".*:", "");
        Process second = serve("--demo", "--port", port, "--admin-port", "0");
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String err = new String(second.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(second.exitValue()).isEqualTo(2);
        assertThat(err).contains("cannot listen on 127.0.0.1:" + port, "change server.port (or --port)")
                .doesNotContain("Exception", "\tat ");
    }

    @Test
    void sighupReloadsTheConfigurationFile() throws Exception {
        Path config = workDir.resolve("fairway.yaml");
        Files.writeString(config, "routes: [{name: main, prefix: /}]\n");
        Process p = serve("--demo", "--config", config.toString(), "--port", "0", "--admin-port", "0");
        String base = awaitListening(p);
        assertThat(post(base + "/team/openai/v1/chat/completions").statusCode()).isEqualTo(404); // "team" is no provider

        Files.writeString(config, "routes: [{name: main, prefix: /}, {name: team, prefix: /team}]\n");
        new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).start().waitFor();

        int status = 0;
        for (int i = 0; i < 200 && status != 200; i++) { // bounded: 10 s of 50 ms probes
            status = post(base + "/team/openai/v1/chat/completions").statusCode();
            Thread.sleep(50);
        }
        assertThat(status).isEqualTo(200);
        assertThat(p.isAlive()).isTrue(); // SIGHUP reloads; it does not stop the process
    }

    private HttpResponse<String> post(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private Process serve(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), FairwayCommand.class.getName(), "serve"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).start();
        started.add(p);
        return p;
    }

    /** Reads the process's output until it says where it listens; its base URL. */
    private static String awaitListening(Process p) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = out.readLine()) != null; ) {
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                Thread.ofVirtual().start(() -> out.lines().forEach(l -> { })); // keep the pipe drained
                return m.group(1);
            }
        }
        throw new AssertionError("the gateway exited before listening: "
                + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
