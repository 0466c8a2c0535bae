package dev.fairway.apisix;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * Real APISIX, etcd, the mock provider and Fairway inside APISIX, started from
 * examples/apisix/docker-compose.yml, with route.json loaded through the Admin API and real HTTP
 * sent to APISIX.
 *
 * <p>Skipped where there is no Docker engine (this build machine has none); it needs
 * cli/target/fairway.jar, which the compose file builds into the APISIX image, so run it after
 * {@code ./mvnw -B package -DskipTests}.
 */
@Testcontainers(disabledWithoutDocker = true)
class ApisixContainerTest {
    private static final Path EXAMPLES = Path.of("..", "examples", "apisix");
    private static final Path JAR = Path.of("..", "cli", "target", "fairway.jar");
    private static final String ADMIN_KEY = "fairway-example-admin-key";
    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private static ComposeContainer compose;
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static String gateway;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(JAR), "needs " + JAR + ": run ./mvnw -B package -DskipTests first");
        compose = new ComposeContainer(new File(EXAMPLES.resolve("docker-compose.yml").toString()))
                .withLocalCompose(true)
                .withBuild(true)
                .withExposedService("apisix", 9080, Wait.forListeningPort().withStartupTimeout(Duration.ofMinutes(3)))
                .withExposedService("apisix", 9180, Wait.forListeningPort().withStartupTimeout(Duration.ofMinutes(3)));
        compose.start();
        gateway = "http://" + compose.getServiceHost("apisix", 9080) + ":" + compose.getServicePort("apisix", 9080);
        String admin = "http://" + compose.getServiceHost("apisix", 9180) + ":" + compose.getServicePort("apisix", 9180);
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(admin + "/apisix/admin/routes/fairway-ai"))
                .header("X-API-KEY", ADMIN_KEY)
                .PUT(HttpRequest.BodyPublishers.ofFile(EXAMPLES.resolve("route.json"))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isIn(200, 201);
        awaitRunner();
    }

    // APISIX spawns the runner when it starts; until its JVM listens, APISIX answers 503.
    private static void awaitRunner() throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        int status = 0;
        while (Instant.now().isBefore(deadline)) {
            status = chat(CHAT).statusCode();
            if (status != 503 && status != 404) {
                return;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("APISIX kept answering " + status + "; the runner did not come up");
    }

    @AfterAll
    static void stop() {
        if (compose != null) {
            compose.stop();
        }
    }

    private static HttpResponse<String> chat(String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway + "/ai/openai/v1/chat/completions"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void chatCompletionGoesThroughTheDispatcherToTheProvider() throws Exception {
        HttpResponse<String> response = chat(CHAT);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("cf-aig-log-id")).isPresent();
        assertThat(response.body()).contains("\"choices\"");
    }

    @Test
    void badGatewayHeaderIsAnsweredByTheRunner() throws Exception {
        HttpResponse<String> response = chat(CHAT, "cf-aig-authorization", "Basic x");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"header\":\"cf-aig-authorization\"");
    }

    @Test
    void streamsArriveAsServerSentEvents() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway + "/ai/openai/v1/chat/completions"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build();

        HttpResponse<java.util.stream.Stream<String>> response = http.send(request, HttpResponse.BodyHandlers.ofLines());
        List<String> events = response.body().filter(l -> l.startsWith("data:")).collect(Collectors.toList());

        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        assertThat(events).hasSizeGreaterThan(1);
        assertThat(events.getLast()).isEqualTo("data: [DONE]");
    }
}
