package dev.fairway.kong;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.GatewayConfig;
import dev.fairway.config.RouteConfig;
import dev.fairway.kong.schema.KongConfigNormalizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The files in examples/kong are what operators copy: they must load as they are. */
class KongExamplesTest {
    private static final Path DIR = Path.of("..", "examples", "kong");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void processConfigLoads() {
        GatewayConfig config = ConfigLoader.withEnv(Map.of("OPENAI_API_KEY", "sk-test")).load(DIR.resolve("fairway.yaml"));

        assertThat(config.providers().get("openai").baseUrl()).isEqualTo("http://mock:8081/v1");
        assertThat(config.providers().get("openai").apiKey().reveal()).isEqualTo("sk-test");
    }

    @Test
    void pluginConfigOfTheDeclarativeFileLoads() throws Exception {
        JsonNode route = YAML.readTree(DIR.resolve("kong.yml").toFile()).path("services").path(0).path("routes").path(0);
        JsonNode plugin = route.path("plugins").path(0);
        assertThat(plugin.path("name").asText()).isEqualTo("fairway");

        RouteConfig config = ConfigLoader.withEnv(Map.of())
                .parseRoute(KongConfigNormalizer.normalize(plugin.path("config").toString(), RouteConfig.class));

        assertThat(config.prefix()).isEqualTo(route.path("paths").path(0).asText());
        assertThat(route.path("strip_path").asBoolean(true)).isFalse();
    }

    @Test
    void kongConfAndComposeAgreeOnNamesAndCommands() throws Exception {
        String conf = Files.readString(DIR.resolve("kong.conf"));
        JsonNode kong = YAML.readTree(DIR.resolve("docker-compose.yml").toFile()).path("services").path("kong").path("environment");

        assertThat(conf).contains("pluginserver_names = fairway", "plugins = bundled,fairway",
                "kong-pluginserver --socket /usr/local/kong/fairway.socket", "kong-pluginserver -dump");
        assertThat(kong.path("KONG_PLUGINSERVER_NAMES").asText()).isEqualTo("fairway");
        assertThat(kong.path("KONG_PLUGINS").asText()).isEqualTo("bundled,fairway");
        assertThat(kong.path("KONG_DATABASE").asText()).isEqualTo("off");
    }
}
