package dev.fairway.apisix;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.fairway.Fairway;
import dev.fairway.apisix.ApisixDriver.PluginConf;
import dev.fairway.apisix.ApisixDriver.Request;
import dev.fairway.apisix.ApisixDriver.Rewritten;
import dev.fairway.apisix.protocol.TextEntry;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.GatewayConfig;
import dev.fairway.dispatch.TicketBook;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files in examples/apisix say what the runner reads: they must load, and the routes must route. */
class ExamplesTest {
    private static final Path EXAMPLES = Path.of("..", "examples", "apisix");
    private static final Map<String, String> ENV = Map.of("OPENAI_API_KEY", "sk-a", "ANTHROPIC_API_KEY", "sk-b");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    Path dir;

    @Test
    void processConfigLoadsWithTheDispatcherPortTheRoutesUse() throws Exception {
        GatewayConfig config = ConfigLoader.withEnv(ENV).load(EXAMPLES.resolve("fairway.yaml"));
        int port = config.dispatch().loopbackPort();

        for (String route : List.of("route.json", "route-consumers.json")) {
            JsonNode nodes = YAML.readTree(EXAMPLES.resolve(route).toFile()).path("upstream").path("nodes");
            assertThat(nodes.has("127.0.0.1:" + port)).as(route).isTrue();
        }
        JsonNode standalone = YAML.readTree(EXAMPLES.resolve("apisix.yaml").toFile()).path("routes").get(0);
        assertThat(standalone.path("upstream").path("nodes").has("127.0.0.1:" + port)).isTrue();
        assertThat(Files.readString(EXAMPLES.resolve("apisix.yaml"))).endsWith("#END\n");
    }

    @Test
    void everyRouteConfParsesAndItsPrefixMatchesTheApisixUri() throws Exception {
        assertRoute(YAML.readTree(EXAMPLES.resolve("route.json").toFile()), "ext-plugin-pre-req");
        assertRoute(YAML.readTree(EXAMPLES.resolve("route-consumers.json").toFile()), "ext-plugin-post-req");
        assertRoute(YAML.readTree(EXAMPLES.resolve("apisix.yaml").toFile()).path("routes").get(0), "ext-plugin-pre-req");
    }

    private void assertRoute(JsonNode route, String phase) throws Exception {
        String uri = route.path("uri").asText();
        JsonNode conf = route.path("plugins").path(phase).path("conf").get(0);
        assertThat(conf.path("name").asText()).isEqualTo("fairway");
        String value = conf.path("value").asText();
        String prefix = ConfigLoader.withEnv(ENV).parseRoute(value).prefix();
        assertThat(uri).isEqualTo(prefix + "/*");

        // And the runner forwards a request APISIX matched on that uri.
        try (Fairway fairway = Fairway.builder(ConfigLoader.defaults()).dispatcherEndpoint(true).start();
             ApisixRunner runner = ApisixRunner.builder(fairway).socket(dir.resolve(phase + ".sock")).start();
             ApisixDriver apisix = new ApisixDriver(runner.socket(), System::nanoTime)) {
            Request request = Request.of("POST", prefix + "/openai/v1/chat/completions",
                    "{\"model\":\"gpt-4o-mini\",\"messages\":[]}".getBytes(StandardCharsets.UTF_8), "content-type", "application/json");
            PluginConf pluginConf = new PluginConf("1", 1, phase, List.of(new TextEntry("fairway", value)));
            assertThat(apisix.communicate(pluginConf, request)).isInstanceOfSatisfying(Rewritten.class,
                    r -> assertThat(r.header(TicketBook.HEADER)).isNotBlank());
        }
    }

    @Test
    void apisixConfigStartsTheRunnerWithTheProcessConfig() throws Exception {
        for (String file : List.of("config.yaml", "config-standalone.yaml")) {
            JsonNode config = YAML.readTree(EXAMPLES.resolve(file).toFile());
            List<String> cmd = YAML.convertValue(config.path("ext-plugin").path("cmd"), YAML.getTypeFactory().constructCollectionType(List.class, String.class));
            // sh -c '... java ... apisix-runner --config <path> & ...': Java drains past APISIX's SIGKILL of the shell.
            assertThat(cmd).as(file).startsWith("/bin/sh", "-c");
            assertThat(String.join(" ", cmd)).as(file).contains("trap 'kill -TERM \"$pid\"' TERM")
                    .contains("-jar /opt/fairway/fairway.jar apisix-runner --config /usr/local/apisix/conf/fairway.yaml &");
            List<String> envs = YAML.convertValue(config.path("nginx_config").path("envs"), YAML.getTypeFactory().constructCollectionType(List.class, String.class));
            assertThat(envs).as(file).containsAll(ENV.keySet());
        }
    }
}
