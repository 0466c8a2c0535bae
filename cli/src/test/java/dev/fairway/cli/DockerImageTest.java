package dev.fairway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The repository's root Dockerfile, built and run as a user would: the demo answers the README's
 * request, as a non-root user, and {@code docker stop} (SIGTERM) exits 0.
 *
 * <p>Skipped where no Docker engine is available (the machine this was written on has none); it
 * runs wherever Docker does.
 */
@Testcontainers(disabledWithoutDocker = true)
class DockerImageTest {
    private static final Path ROOT = root();

    @Container
    static final GenericContainer<?> FAIRWAY = new GenericContainer<>(new ImageFromDockerfile("fairway-test", false)
            .withFileFromPath(".", ROOT))
            .withCommand("serve", "--demo", "--host", "0.0.0.0")
            .withExposedPorts(8787)
            .waitingFor(Wait.forLogMessage(".*listening on.*", 1).withStartupTimeout(Duration.ofMinutes(10)));

    @Test
    void theImageServesTheDemoAsANonRootUser() throws Exception {
        String base = "http://" + FAIRWAY.getHost() + ":" + FAIRWAY.getMappedPort(8787);
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/openai/v1/chat/completions"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello Fairway\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("Hello Fairway");
        assertThat(FAIRWAY.execInContainer("id", "-u").getStdout().strip()).isNotEqualTo("0");
    }

    private static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("Dockerfile"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("no Dockerfile above " + Path.of("").toAbsolutePath());
        }
        return p;
    }
}
