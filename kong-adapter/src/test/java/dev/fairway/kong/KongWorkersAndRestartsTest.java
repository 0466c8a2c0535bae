package dev.fairway.kong;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fairway.Fairway;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.RouteConfig;
import dev.fairway.kong.pdk.KongDriver;
import dev.fairway.kong.pdk.KongDriver.PluginConf;
import dev.fairway.kong.pdk.KongDriver.RpcError;
import dev.fairway.kong.pdk.KongDriver.WorkerEvents;
import dev.fairway.kong.pdk.KongRequest;
import dev.fairway.kong.pdk.PluginServer;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Several nginx workers, plugin-server restarts and vault references, as Kong 3.9's bridge produces them. */
class KongWorkersAndRestartsTest {
    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final ConfigLoader LOADER = ConfigLoader.withEnv(Map.of("KEY_A", "sk-route-a", "KEY_B", "sk-route-b"));

    static FakeUpstream upstream;
    static Fairway fairway;

    @TempDir
    static Path coreDir;

    @TempDir
    Path dir;

    PluginServer<RouteConfig> server;

    @BeforeAll
    static void startCore() throws Exception {
        upstream = new FakeUpstream();
        fairway = Fairway.builder(FairwayKongPluginTest.config(coreDir.resolve("spool"))).dispatcherEndpoint(true).start();
    }

    @AfterAll
    static void stopCore() {
        fairway.close();
        upstream.close();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private PluginServer<RouteConfig> startServer() throws Exception {
        return PluginServer.builder(FairwayKongPlugin.builder(fairway).loader(LOADER).build())
                .socket(dir.resolve("fairway.socket")).build().start();
    }

    private static String sha256(String token) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(UTF_8)));
    }

    private static KongRequest chatAs(String token) {
        return FairwayKongPluginTest.chat(CHAT).header("cf-aig-authorization", "Bearer " + token);
    }

    private static int forwardStatus(KongRequest req) throws Exception {
        if (!req.forwarded()) {
            return req.exitStatus;
        }
        HttpResponse<InputStream> r = FairwayKongPluginTest.proxy(req);
        r.body().readAllBytes();
        return r.statusCode();
    }

    /**
     * Kong workers cache instance ids and learn of a restart only from the reply to the event that
     * used a stale id, or from a reset_instances worker event that arrives when it arrives. Worker A
     * here uses its cached id after worker B restarted its own instance on the new server: that id
     * must miss, not select B's route.
     */
    @Test
    void twoWorkersKeepTheirRoutesAcrossAPluginServerRestart() throws Exception {
        PluginConf routeA = new PluginConf("plugin-a", 1, Map.of("name", "a",
                "auth", Map.of("clients", List.of(Map.of("name", "alice", "token_sha256", sha256("token-a")))),
                "policy", Map.of("denied_providers", List.of("openai")),
                "providers", Map.of("openai", Map.of("base_url", upstream.baseUrl(), "api_key", "${env:KEY_A}"))));
        PluginConf routeB = new PluginConf("plugin-b", 1, Map.of("name", "b",
                "auth", Map.of("clients", List.of(Map.of("name", "bob", "token_sha256", sha256("token-b")))),
                "quotas", List.of(Map.of("name", "two", "limit", 2, "window", "1h")),
                "providers", Map.of("openai", Map.of("base_url", upstream.baseUrl(), "api_key", "${env:KEY_B}"))));
        WorkerEvents events = new WorkerEvents();
        upstream.seen.clear();
        server = startServer();
        try (KongDriver workerA = new KongDriver(server.socket(), "fairway", events);
             KongDriver workerB = new KongDriver(server.socket(), "fairway", events)) {
            assertThat(workerA.handle(routeA, "access", chatAs("token-a")).exitStatus).isEqualTo(403);
            assertThat(forwardStatus(workerB.handle(routeB, "access", chatAs("token-b")))).isEqualTo(200);

            server.close();
            server = startServer();
            workerA.close();
            workerB.close();

            // B meets the new server first and restarts its instance; its reset_instances event has not reached A yet.
            KongRequest b = workerB.handle(routeB, "access", chatAs("token-b"));
            assertThat(forwardStatus(b)).isEqualTo(200);
            assertThat(workerB.warnings).singleElement().asString().startsWith("no plugin instance #");
            KongRequest a = workerA.handle(routeA, "access", chatAs("token-a"));
            events.deliver();

            assertThat(a.exitStatus).as("route a's policy, not route b's auth").isEqualTo(403);
            assertThat(a.exitText()).contains("openai");
            assertThat(a.forwarded()).isFalse();
            assertThat(workerA.warnings).singleElement().asString().startsWith("no plugin instance #");
            assertThat(upstream.seen.stream().map(s -> s.headers().get("Authorization")))
                    .containsOnly(List.of("Bearer sk-route-b"));
            assertThat(workerA.handle(routeA, "access", chatAs("token-b")).exitStatus).as("route a knows no bob").isEqualTo(401);
            assertThat(workerB.handle(routeB, "access", chatAs("token-a")).exitStatus).as("route b knows no alice").isEqualTo(401);
            assertThat(workerB.handle(routeB, "access", chatAs("token-b")).exitStatus).as("route b's quota of two").isEqualTo(429);
            assertThat(workerA.errors).isEmpty();
            assertThat(workerB.errors).isEmpty();
        }
    }

    /**
     * Kong resolves {vault://...} in referenceable fields before the plugin sees its configuration
     * and adds "$refs" naming the reference beside the field, in each record that has one.
     */
    @Test
    void vaultReferencesAreUsedResolvedAndTheirRefsNeitherRefusedNorLogged() throws Exception {
        Map<String, Object> configField = configField();
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logs.start();
        root.addAppender(logs);
        server = startServer();
        try (KongDriver kong = new KongDriver(server.socket(), "fairway")
                .vault(configField, Map.of("{vault://env/openai-key}", "sk-from-the-vault"))) {
            PluginConf conf = new PluginConf("plugin-v", 1, Map.of(
                    "providers", Map.of("openai", Map.of("base_url", upstream.baseUrl(), "api_key", "{vault://env/openai-key}")),
                    "fallback", Map.of("targets", List.of(Map.of("provider", "openai", "api_key", "{vault://env/openai-key}")))));
            assertThat(new ObjectMapper().readTree(kong.kongConfigJson(conf)).path("providers").path("openai").path("$refs").path("api_key")
                    .asText()).as("the driver adds $refs as Kong does").isEqualTo("{vault://env/openai-key}");

            KongRequest req = kong.handle(conf, "access", FairwayKongPluginTest.chat(CHAT));

            assertThat(kong.errors).isEmpty();
            assertThat(forwardStatus(req)).isEqualTo(200);
            assertThat(upstream.seen).anySatisfy(s -> assertThat(s.headers().get("Authorization")).containsExactly("Bearer sk-from-the-vault"));

            PluginConf unresolved = new PluginConf("plugin-w", 1, Map.of(
                    "providers", Map.of("openai", Map.of("base_url", upstream.baseUrl(), "api_key", "{vault://env/missing}"))));
            assertThatThrownBy(() -> kong.handle(unresolved, "access", FairwayKongPluginTest.chat(CHAT)))
                    .isInstanceOf(RpcError.class)
                    .hasMessage("fairway: invalid configuration: providers.openai.api_key: Kong could not resolve its vault reference");
        } finally {
            root.detachAppender(logs);
        }
        assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage).noneMatch(m -> m.contains("vault://") || m.contains("sk-from-the-vault"));
    }

    static Map<String, Object> configField() throws Exception {
        Map<String, Object> dump = new ObjectMapper().readValue(KongPluginServerCommand.dumpJson(), new TypeReference<>() {});
        @SuppressWarnings("unchecked")
        Map<String, Object> schema = (Map<String, Object>) ((Map<String, Object>) ((List<Object>) dump.get("Plugins")).get(0)).get("Schema");
        @SuppressWarnings("unchecked")
        Map<String, Object> config = (Map<String, Object>) ((Map<String, Object>) ((List<Object>) schema.get("fields")).get(0)).get("config");
        return config;
    }
}
