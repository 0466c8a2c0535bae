package dev.fairway.kong;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.Fairway;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.RouteConfig;
import dev.fairway.kong.pdk.KongDriver;
import dev.fairway.kong.pdk.KongDriver.PluginConf;
import dev.fairway.kong.pdk.KongRequest;
import dev.fairway.kong.pdk.PluginServer;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins the PDK calls of one request, in order: each is a round trip to the nginx worker (Kong's
 * {@code mp_rpc.lua} bridge loop: one {@code plugin.Step} per call), so one added back shows here
 * before it shows in a latency figure.
 */
class AccessCallsTest {
    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String[] READ = {"kong.nginx.get_var", "kong.request.get_headers", "kong.request.get_raw_body",
            "kong.client.get_consumer"};
    private static final String[] POINT_AT_DISPATCHER = {"kong.service.set_target", "kong.service.request.set_scheme",
            "kong.service.request.set_header"};

    static FakeUpstream upstream;
    static Fairway fairway;

    @TempDir
    static Path coreDir;

    @TempDir
    Path dir;

    PluginServer<RouteConfig> server;
    KongDriver kong;
    PluginConf conf;

    @BeforeAll
    static void startCore() throws Exception {
        upstream = new FakeUpstream();
        fairway = Fairway.builder(FairwayKongPluginTest.config(coreDir.resolve("spool"))).dispatcherEndpoint(true)
                .stage(new FairwayKongPluginTest.TestCacheStage()).start();
    }

    @AfterAll
    static void stopCore() {
        fairway.close();
        upstream.close();
    }

    @BeforeEach
    void startServer() throws Exception {
        server = PluginServer.builder(FairwayKongPlugin.builder(fairway).loader(ConfigLoader.withEnv(Map.of("OPENAI_KEY", "sk-gateway-key"))).build())
                .socket(dir.resolve("fairway.socket")).build().start();
        kong = new KongDriver(server.socket(), "fairway");
        conf = new PluginConf("plugin-1", 1, Map.of("providers",
                Map.of("openai", Map.of("base_url", upstream.baseUrl(), "api_key", "${env:OPENAI_KEY}"))));
    }

    @AfterEach
    void stopServer() throws Exception {
        kong.close();
        server.close();
    }

    @Test
    void anAnswerTakesFiveCalls() throws Exception {
        KongRequest req = kong.handle(conf, "access", FairwayKongPluginTest.chat(CHAT).header("x-test-cache", "hit"));

        assertThat(req.exitStatus).isEqualTo(200);
        assertThat(req.calls).containsExactly(concat(READ, "kong.response.exit"));
        assertThat(kong.errors).isEmpty();
    }

    @Test
    void aForwardTakesSevenCallsAndKeepsASmallBody() throws Exception {
        KongRequest req = kong.handle(conf, "access", FairwayKongPluginTest.chat(CHAT));

        assertThat(req.calls).containsExactly(concat(READ, POINT_AT_DISPATCHER));
        assertThat(req.upstreamBody).isNull();
        assertProxied(req, CHAT);
    }

    /**
     * Round trips as Kong counts them, once the instance runs: the HandleEvent and one Step per PDK
     * call (Kong 3.9 runs one call per reply and asks for the next with a new request), and not a
     * message more from the server: Kong would drop it unrun.
     */
    @Test
    void aForwardIsEightRoundTripsAndTheServerSendsNothingUnasked() throws Exception {
        kong.handle(conf, "access", FairwayKongPluginTest.chat(CHAT)); // starts the instance
        long before = kong.rpcCalls.get();

        kong.handle(conf, "access", FairwayKongPluginTest.chat(CHAT));
        KongRequest hit = kong.handle(conf, "access", FairwayKongPluginTest.chat(CHAT).header("x-test-cache", "hit"));

        // 1 + 7 for the forward, 1 + 4 for the answer (its exit yields: Kong sends no Step after it).
        assertThat(kong.rpcCalls.get() - before).isEqualTo(8 + 5);
        assertThat(hit.exitStatus).isEqualTo(200);
        Thread.sleep(100); // a message sent after its reply would reach a pooled socket by now
        kong.handle(conf, "access", FairwayKongPluginTest.chat(CHAT));
        assertThat(kong.droppedBytes.get()).isZero();
        assertThat(kong.staleClosed.get()).isZero();
        assertThat(kong.errors).isEmpty();
    }

    @Test
    void aForwardClearsABodyLargerThanNginxKeepsInMemory() throws Exception {
        String big = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(Access.KEEP_BODY_UP_TO) + "\"}]}";
        KongRequest req = kong.handle(conf, "access", FairwayKongPluginTest.chat(big));

        assertThat(req.calls).containsExactly(concat(concat(READ, POINT_AT_DISPATCHER), "kong.service.request.set_raw_body"));
        assertThat(req.upstreamBody).isEmpty();
        assertProxied(req, big);
    }

    @Test
    void aRequestWithoutBodyIsNotAskedForOne() throws Exception {
        KongRequest req = new KongRequest();
        req.path = "/openai/v1/models";
        req.httpVersion = "2.0";
        kong.handle(conf, "access", req);

        assertThat(req.calls).containsExactly("kong.nginx.get_var", "kong.request.get_headers", "kong.client.get_consumer",
                "kong.service.set_target", "kong.service.request.set_scheme", "kong.service.request.set_header");
    }

    /** $request_uri is not the request line's target for an absolute-form target: Kong's own calls answer then. */
    @Test
    void anAbsoluteFormTargetIsReadWithGetMethodAndGetPathWithQuery() throws Exception {
        KongRequest req = FairwayKongPluginTest.chat(CHAT).header("x-test-cache", "hit");
        req.vars.put("request", "POST http://example.com/openai/v1/chat/completions HTTP/1.1");
        kong.handle(conf, "access", req);

        assertThat(req.exitStatus).isEqualTo(200);
        assertThat(req.calls).startsWith("kong.nginx.get_var", "kong.request.get_method", "kong.request.get_path_with_query");
    }

    @Test
    void theRequestLineGivesMethodAndTarget() {
        assertThat(Access.requestLine("POST /a/b?x=1 HTTP/1.1")).containsExactly("POST", "/a/b?x=1");
        assertThat(Access.requestLine("GET / HTTP/2.0")).containsExactly("GET", "/");
        assertThat(Access.requestLine("GET http://h/a HTTP/1.1")).isNull();
        assertThat(Access.requestLine("OPTIONS * HTTP/1.1")).isNull();
        assertThat(Access.requestLine("GET /a")).isNull();
        assertThat(Access.requestLine("GET /a FTP/1")).isNull();
        assertThat(Access.requestLine(null)).isNull();
    }

    private static void assertProxied(KongRequest req, String body) throws Exception {
        HttpResponse<InputStream> response = FairwayKongPluginTest.proxy(req);
        String text = new String(response.body().readAllBytes(), UTF_8);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(text).contains("\"received_bytes\":" + body.length());
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
