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

    /**
     * While the plugin server is down Kong proxies to the service URL unchecked, so the example's
     * service URL must lead to Kong's own terminating route, never to a provider.
     */
    @Test
    void serviceUrlIsASinkThatCanNeverReachAProvider() throws Exception {
        JsonNode services = YAML.readTree(DIR.resolve("kong.yml").toFile()).path("services");
        java.net.URI url = java.net.URI.create(services.path(0).path("url").asText());
        JsonNode sink = null;
        for (JsonNode s : services) {
            for (JsonNode r : s.path("routes")) {
                for (JsonNode p : r.path("paths")) {
                    if (url.getPath().startsWith(p.asText())) {
                        sink = r;
                    }
                }
            }
        }

        assertThat(url.getHost()).isEqualTo("127.0.0.1");
        assertThat(url.getPort()).as("Kong's proxy listener in the compose file")
                .isEqualTo(Integer.parseInt(YAML.readTree(DIR.resolve("docker-compose.yml").toFile())
                        .path("services").path("kong").path("environment").path("KONG_PROXY_LISTEN").asText().replaceAll(".*:", "")));
        assertThat(sink).as("a route of Kong's own serves the service URL").isNotNull();
        assertThat(sink.path("plugins")).singleElement().satisfies(p -> {
            assertThat(p.path("name").asText()).isEqualTo("request-termination");
            assertThat(p.path("config").path("status_code").asInt()).isEqualTo(503);
        });
        assertThat(Files.readString(DIR.resolve("README.md"))).contains("proxies the request to the\nservice URL unchecked");
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
