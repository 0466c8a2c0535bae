package dev.fairway.kong;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * Real Kong (the official image, DB-less) with the Fairway plugin server and the mock provider,
 * started from examples/kong/docker-compose.yml exactly as an operator would, then called over
 * HTTP. Skipped where there is no Docker engine (as on the machine this was written on; the
 * protocol itself is covered there by the Kong driver tests), and until cli/target/fairway.jar has
 * been built.
 */
@Testcontainers(disabledWithoutDocker = true)
class KongContainerTest {
    private static final Path EXAMPLE = Path.of("..", "examples", "kong").toAbsolutePath().normalize();
    private static final Path JAR = Path.of("..", "cli", "target", "fairway.jar").toAbsolutePath().normalize();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private static ComposeContainer compose;
    private static String kong;

    @BeforeAll
    static void start() {
        assumeTrue(Files.isRegularFile(JAR), "build " + JAR + " first (./mvnw -B -q -DskipTests -pl cli -am package)");
        compose = new ComposeContainer(new File(EXAMPLE.toFile(), "docker-compose.yml"))
                .withLocalCompose(true)
                .withExposedService("fairway", 8000, Wait.forHttp("/ai/openai/v1/chat/completions")
                        .forStatusCodeMatching(code -> code < 500)
                        .withStartupTimeout(Duration.ofMinutes(3)));
        compose.start();
        kong = "http://" + compose.getServiceHost("fairway", 8000) + ":" + compose.getServicePort("fairway", 8000);
    }

    @AfterAll
    static void stop() {
        if (compose != null) {
            compose.stop();
        }
    }

    private static HttpResponse<InputStream> post(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(kong + path))
                .header("content-type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    @Test
    void chatCompletionGoesThroughKongAndTheDispatcher() throws Exception {
        HttpResponse<InputStream> r = post("/ai/openai/v1/chat/completions", CHAT);
        String body = new String(r.body().readAllBytes(), UTF_8);

        assertThat(r.statusCode()).as(body).isEqualTo(200);
        assertThat(body).contains("\"choices\"");
        assertThat(r.headers().firstValue("cf-aig-log-id")).isPresent();
        assertThat(r.headers().firstValue("via").orElse("")).containsIgnoringCase("kong");
    }

    @Test
    void streamedCompletionArrivesAsServerSentEvents() throws Exception {
        HttpResponse<InputStream> r = post("/ai/openai/v1/chat/completions", CHAT.replace("{", "{\"stream\":true,"));
        List<String> data = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(r.body(), UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                if (line.startsWith("data: ")) {
                    data.add(line);
                }
            }
        }
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        assertThat(data).hasSizeGreaterThan(2).last().isEqualTo("data: [DONE]");
    }

    @Test
    void badGatewayHeaderIsAnsweredByThePlugin() throws Exception {
        HttpResponse<InputStream> r = post("/ai/openai/v1/chat/completions", CHAT, "cf-aig-authorization", "Basic x");
        String body = new String(r.body().readAllBytes(), UTF_8);

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(body).contains("cf-aig-authorization");
        assertThat(r.headers().firstValue("cf-aig-log-id")).isPresent();
    }
}
