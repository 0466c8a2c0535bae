package dev.fairway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/configuration.md is what the config model says, never a stale copy. */
class ConfigReferenceTest {
    private static final Path FILE = Path.of("..", "docs", "configuration.md");

    @Test
    void theCommittedReferenceIsTheGeneratedOne() throws Exception {
        String generated = ConfigReference.markdown();
        if ("1".equals(System.getenv("FAIRWAY_WRITE_DOCS"))) {
            Files.writeString(FILE, generated, StandardCharsets.UTF_8);
        }
        assertThat(Files.exists(FILE)).as("docs/configuration.md exists").isTrue();
        assertThat(Files.readString(FILE, StandardCharsets.UTF_8))
                .as("docs/configuration.md is stale: regenerate it with "
                        + "FAIRWAY_WRITE_DOCS=1 ./mvnw -q -pl plugin-core -am verify -Dtest=ConfigReferenceTest -Dsurefire.failIfNoSpecifiedTests=false")
                .isEqualTo(generated);
    }

    @Test
    void everyFieldAppearsWithItsConstraints() {
        String md = ConfigReference.markdown();
        assertThat(md).contains("| `server.drain_seconds` | integer | `30` |",
                "| `routes[].retry.max_attempts` | integer |",
                "| `routes[].quotas[].window` |",
                "| `routes[].guardrails.detectors[].check` | list of string |",
                "| `providers.<key>.api_key` | secret |");
        assertThat(md).contains("each: request or response");
    }
}
