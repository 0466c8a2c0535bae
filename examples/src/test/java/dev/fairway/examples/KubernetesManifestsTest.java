package dev.fairway.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.GatewayConfig;
import dev.fairway.envoy.ExtProcConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * examples/kubernetes: every manifest parses, uses only fields its kind defines (see
 * {@link ManifestFields}), and the Fairway configuration it carries loads the way Fairway loads it,
 * with every ${env:NAME} it reads provided to the container that reads it.
 */
class KubernetesManifestsTest {
    private static final Path DIR = Path.of("kubernetes");
    private static final Pattern ENV_REF = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static List<Path> files() throws IOException {
        try (Stream<Path> s = Files.walk(DIR)) {
            return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    private static List<JsonNode> documents(Path file) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            while (it.hasNext()) {
                JsonNode d = it.next();
                if (d != null && !d.isNull() && !d.isEmpty()) {
                    docs.add(d);
                }
            }
        }
        return docs;
    }

    @Test
    void everyManifestUsesOnlyFieldsItsKindDefines() throws IOException {
        Set<String> kinds = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        assertThat(files()).hasSizeGreaterThanOrEqualTo(5);
        for (Path file : files()) {
            for (JsonNode doc : documents(file)) {
                String kind = doc.path("kind").asText();
                Set<String> fields = ManifestFields.of(doc.path("apiVersion").asText(), kind);
                if (fields == null) {
                    problems.add(file + ": " + doc.path("apiVersion").asText() + " " + kind + " is no documented kind here");
                    continue;
                }
                kinds.add(kind);
                assertThat(doc.path("metadata").path("name").asText()).as(file + " " + kind + " name").isNotBlank();
                for (String path : leaves(doc, "")) {
                    if (!ManifestFields.allowed(fields, path)) {
                        problems.add(file + ": " + kind + " has no field " + path);
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(kinds).contains("Deployment", "Service", "ConfigMap", "Secret", "PodDisruptionBudget",
                "HorizontalPodAutoscaler", "KongPlugin", "KongClusterPlugin", "ApisixRoute", "EnvoyExtensionPolicy");
    }

    @Test
    void theFieldCheckCatchesAMisspelledField() throws IOException {
        JsonNode doc = YAML.readTree("apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: x}\nspec: {minAvailible: 2}");
        Set<String> fields = ManifestFields.of("policy/v1", "PodDisruptionBudget");
        assertThat(leaves(doc, "")).anyMatch(p -> !ManifestFields.allowed(fields, p));
    }

    @Test
    void theFairwayConfigurationOfEachDeploymentLoadsWithTheEnvironmentItIsGiven() throws IOException {
        int checked = 0;
        for (Path file : files()) {
            List<JsonNode> docs = documents(file);
            for (JsonNode deployment : ofKind(docs, "Deployment")) {
                for (JsonNode volume : deployment.at("/spec/template/spec/volumes")) {
                    JsonNode config = byName(docs, "ConfigMap", volume.path("configMap").path("name").asText());
                    if (config == null || !config.path("data").has("fairway.yaml")) {
                        continue;
                    }
                    String text = config.path("data").path("fairway.yaml").asText();
                    Map<String, String> env = environment(docs, deployment);
                    for (String name : references(text)) {
                        assertThat(env).as(file + ": ${env:" + name + "} reaches the container").containsKey(name);
                    }
                    ConfigLoader loader = ConfigLoader.withEnv(env);
                    GatewayConfig loaded = text.contains("\nenvoy:") ? ExtProcConfig.parse(text, loader).gateway() : loader.parse(text);
                    assertThat(loaded.cacheStorage().shared().enabled()).as(file + ": the fleet shares its cache").isTrue();
                    assertThat(loaded.redis()).isNotNull();
                    if (config.path("data").has("config.yaml")) { // APISIX: nginx passes on only the listed variables
                        JsonNode apisix = YAML.readTree(config.path("data").path("config.yaml").asText());
                        List<String> passed = new ArrayList<>();
                        apisix.at("/nginx_config/envs").forEach(e -> passed.add(e.asText()));
                        assertThat(passed).as(file + ": nginx_config.envs").containsAll(references(text));
                    }
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(4);
    }

    @Test
    void onAReadOnlyRootFilesystemEveryPlaceFairwayWritesIsOnAWritableVolume() throws IOException {
        int checked = 0;
        for (Path file : files()) {
            List<JsonNode> docs = documents(file);
            for (JsonNode deployment : ofKind(docs, "Deployment")) {
                JsonNode pod = deployment.at("/spec/template/spec");
                for (JsonNode container : pod.path("containers")) {
                    if (!container.at("/securityContext/readOnlyRootFilesystem").asBoolean()) {
                        continue;
                    }
                    List<String> writable = new ArrayList<>();
                    String configText = null;
                    for (JsonNode mount : container.path("volumeMounts")) {
                        if (!mount.path("readOnly").asBoolean()) {
                            writable.add(mount.path("mountPath").asText());
                        }
                        for (JsonNode volume : pod.path("volumes")) {
                            JsonNode config = volume.path("name").asText().equals(mount.path("name").asText())
                                    ? byName(docs, "ConfigMap", volume.path("configMap").path("name").asText()) : null;
                            if (config != null && config.path("data").has("fairway.yaml")) {
                                configText = config.path("data").path("fairway.yaml").asText();
                            }
                        }
                    }
                    assertThat(configText).as(file + ": the container's Fairway configuration").isNotNull();
                    GatewayConfig config = ConfigLoader.withEnv(environment(docs, deployment)).parse(configText);
                    // The spool, the log store's file (<spool_dir>.logs.db by default), the cache's disk tier and semantic index.
                    for (dev.fairway.StateDirs.StateDir dir : dev.fairway.StateDirs.of(config)) {
                        assertThat(writable).as(file + ": " + dir.setting() + " " + dir.directory() + " lies on a writable volume")
                                .anyMatch(m -> dir.directory().startsWith(Path.of(m)));
                        checked++;
                    }
                }
            }
        }
        assertThat(checked).as("state directories checked").isGreaterThanOrEqualTo(2);
    }

    @Test
    void theStandaloneProbesAndPortsAreTheOnesFairwayListensOn() throws IOException {
        List<JsonNode> docs = documents(DIR.resolve("standalone/fairway.yaml"));
        JsonNode deployment = byName(docs, "Deployment", "fairway");
        JsonNode container = deployment.at("/spec/template/spec/containers/0");
        Map<String, Integer> ports = new HashMap<>();
        container.path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
        GatewayConfig config = ConfigLoader.withEnv(environment(docs, deployment))
                .parse(byName(docs, "ConfigMap", "fairway-config").at("/data/fairway.yaml").asText());

        assertThat(ports).containsEntry("http", config.server().port()).containsEntry("admin", config.server().adminPort());
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/readyz");
        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/healthz");
        assertThat(container.at("/readinessProbe/httpGet/port").asText()).isEqualTo("admin");
        assertThat(deployment.at("/spec/template/spec/terminationGracePeriodSeconds").asInt())
                .as("longer than server.drain_seconds").isGreaterThan(config.server().drainSeconds());
        JsonNode pdb = ofKind(docs, "PodDisruptionBudget").get(0);
        JsonNode hpa = ofKind(docs, "HorizontalPodAutoscaler").get(0);
        assertThat(pdb.at("/spec/selector/matchLabels")).isEqualTo(deployment.at("/spec/selector/matchLabels"));
        assertThat(hpa.at("/spec/scaleTargetRef/name").asText()).isEqualTo("fairway");
        assertThat(hpa.at("/spec/minReplicas").asInt()).isGreaterThan(pdb.at("/spec/minAvailable").asInt());
    }

    @Test
    void eachHostsPluginConfigurationIsAFairwayRouteAndKongFindsThePluginServer() throws IOException {
        ConfigLoader loader = ConfigLoader.withEnv(Map.of());
        List<JsonNode> kong = documents(DIR.resolve("kong/fairway-kong.yaml"));
        for (String kind : List.of("KongPlugin", "KongClusterPlugin")) {
            JsonNode plugin = ofKind(kong, kind).get(0);
            assertThat(plugin.path("plugin").asText()).isEqualTo("fairway");
            assertThat(loader.parseRoute(plugin.path("config").toString()).name()).isNotBlank();
        }
        JsonNode pod = byName(kong, "Deployment", "kong-gateway").at("/spec/template/spec");
        Map<String, String> proxyEnv = new HashMap<>();
        pod.at("/containers/1/env").forEach(e -> proxyEnv.put(e.path("name").asText(), e.path("value").asText()));
        assertThat(proxyEnv.get("KONG_PLUGINS")).contains("fairway");
        assertThat(proxyEnv.get("KONG_PLUGINSERVER_NAMES")).isEqualTo("fairway");
        assertThat(pod.at("/containers/0/args/0").asText()).contains("--socket " + proxyEnv.get("KONG_PLUGINSERVER_FAIRWAY_SOCKET"));

        List<JsonNode> apisix = documents(DIR.resolve("apisix/fairway-apisix.yaml"));
        JsonNode plugin = ofKind(apisix, "ApisixRoute").get(0).at("/spec/http/0/plugins/0");
        assertThat(plugin.path("name").asText()).isEqualTo("ext-plugin-pre-req");
        JsonNode conf = plugin.at("/config/conf/0");
        assertThat(conf.path("name").asText()).isEqualTo("fairway");
        assertThat(loader.parseRoute(conf.path("value").asText()).prefix()).isEqualTo("/ai");
        GatewayConfig runner = ConfigLoader.withEnv(Map.of("OPENAI_API_KEY", "k", "FAIRWAY_REDIS_URI", "redis://r:6379"))
                .parse(byName(apisix, "ConfigMap", "apisix-fairway").at("/data/fairway.yaml").asText());
        assertThat(ofKind(apisix, "ApisixUpstream").get(0).at("/spec/externalNodes/0/port").asInt())
                .isEqualTo(runner.dispatch().loopbackPort());

        List<JsonNode> envoy = documents(DIR.resolve("envoy-gateway/fairway-envoy-gateway.yaml"));
        JsonNode ref = ofKind(envoy, "EnvoyExtensionPolicy").get(0).at("/spec/extProc/0/backendRefs/0");
        JsonNode service = byName(envoy, "Service", ref.path("name").asText());
        assertThat(service).as("the extProc backend is a Service of the manifest").isNotNull();
        assertThat(service.at("/spec/ports/0/port").asInt()).isEqualTo(ref.path("port").asInt());
    }

    /** The environment a Deployment's first container gets: its env values and its Secrets' keys (values as written). */
    private static Map<String, String> environment(List<JsonNode> docs, JsonNode deployment) {
        Map<String, String> env = new HashMap<>();
        for (JsonNode c : deployment.at("/spec/template/spec/containers")) {
            c.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
            for (JsonNode from : c.path("envFrom")) {
                JsonNode secret = byName(docs, "Secret", from.path("secretRef").path("name").asText());
                if (secret != null) {
                    secret.path("stringData").properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
                }
            }
        }
        return env;
    }

    private static Set<String> references(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = ENV_REF.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static List<JsonNode> ofKind(List<JsonNode> docs, String kind) {
        return docs.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
    }

    private static JsonNode byName(List<JsonNode> docs, String kind, String name) {
        return ofKind(docs, kind).stream().filter(d -> d.at("/metadata/name").asText().equals(name)).findFirst().orElse(null);
    }

    /** Dotted paths of every leaf (an empty object or list counts as one), list indexes written []. */
    private static List<String> leaves(JsonNode node, String at) {
        List<String> out = new ArrayList<>();
        if (node.isObject() && !node.isEmpty()) {
            node.properties().forEach(e -> out.addAll(leaves(e.getValue(), at.isEmpty() ? e.getKey() : at + "." + e.getKey())));
        } else if (node.isArray() && !node.isEmpty()) {
            node.forEach(item -> out.addAll(leaves(item, at + "[]")));
        } else {
            out.add(at);
        }
        return out;
    }
}
