package dev.fairway.kong;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.Fairway;
import dev.fairway.auth.TokenHashes;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.RouteConfig;
import dev.fairway.dispatch.TicketBook;
import dev.fairway.kong.pdk.KongDriver;
import dev.fairway.kong.pdk.KongDriver.PluginConf;
import dev.fairway.kong.pdk.KongRequest;
import dev.fairway.kong.pdk.PluginServer;
import dev.fairway.mock.MockOptions;
import dev.fairway.mock.MockProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A realtime session through Kong: the access phase decides the WebSocket handshake (a GET with
 * {@code Upgrade: websocket}, the model in its query) with the route's authentication and request
 * quota, and either answers it through {@code kong.response.exit} or points Kong's upstream at the
 * dispatcher with a ticket, without asking for a body; Kong then proxies the upgrade there (as it
 * does for any upgrade), and the dispatcher opens the session with the gateway's key.
 */
class KongRealtimeUpgradeTest {
    private static final String MODEL = "gpt-4o-realtime-preview";
    private static final String TOKEN = "token-voice";
    /** Headers the JDK's WebSocket client sets itself: nginx would forward Kong's copies of them. */
    private static final Set<String> HANDSHAKE = Set.of("upgrade", "connection", "sec-websocket-version", "sec-websocket-key", "host");

    @TempDir
    Path dir;

    MockProvider mock;
    Fairway fairway;
    PluginServer<RouteConfig> server;
    KongDriver kong;
    PluginConf conf;

    @BeforeEach
    void start() throws Exception {
        mock = MockProvider.start(MockOptions.builder().port(0).chunks(3).build());
        fairway = Fairway.builder(FairwayKongPluginTest.config(dir.resolve("spool"))).dispatcherEndpoint(true).start();
        server = PluginServer.builder(FairwayKongPlugin.builder(fairway).loader(ConfigLoader.withEnv(Map.of())).build())
                .socket(dir.resolve("fairway.socket")).build().start();
        kong = new KongDriver(server.socket(), "fairway");
        conf = new PluginConf("p", 1, Map.of("name", "voice",
                "auth", Map.of("enabled", true, "clients", List.of(Map.of("name", "a", "token_sha256", TokenHashes.hash(TOKEN)))),
                "quotas", List.of(Map.of("name", "sessions", "unit", "requests", "limit", 1, "window", "1h")),
                "providers", Map.of("openai", Map.of("base_url", mock.baseUrl() + "/v1", "api_key", "sk-gateway"))));
    }

    @AfterEach
    void stop() throws Exception {
        kong.close();
        server.close();
        fairway.close();
        mock.close();
    }

    private static KongRequest handshake(String... headers) {
        KongRequest r = new KongRequest();
        r.method = "GET";
        r.path = "/openai/v1/realtime";
        r.query = "model=" + MODEL;
        r.header("host", "ai.example.com").header("upgrade", "websocket").header("connection", "Upgrade")
                .header("sec-websocket-version", "13").header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==");
        for (int i = 0; i < headers.length; i += 2) {
            r.header(headers[i], headers[i + 1]);
        }
        return r;
    }

    @Test
    void theHandshakeIsAuthenticatedLimitedAndForwardedToTheDispatcherWhichOpensTheSession() throws Exception {
        KongRequest anonymous = kong.handle(conf, "access", handshake());
        assertThat(anonymous.exitStatus).isEqualTo(401);
        assertThat(anonymous.exitText()).contains("\"type\":\"unauthorized\"");
        assertThat(anonymous.forwarded()).isFalse();

        KongRequest req = kong.handle(conf, "access", handshake("cf-aig-authorization", "Bearer " + TOKEN, "openai-beta", "realtime=v1"));
        assertThat(req.forwarded()).as("forwarded, not answered: %s", req.exitText()).isTrue();
        assertThat(req.targetPort).isEqualTo((long) fairway.dispatcherPort());
        assertThat(req.scheme).isEqualTo("http");
        assertThat(req.upstreamHeaders).containsKey(TicketBook.HEADER);
        assertThat(req.upstreamBody).as("a handshake has no body: none is read or rewritten").isNull();
        assertThat(req.calls).anyMatch(c -> c.startsWith("kong.request.get_headers"))
                .noneMatch(c -> c.startsWith("kong.request.get_raw_body"));
        assertThat(mock.requestCount()).as("nothing goes upstream before Kong proxies the upgrade").isZero();

        // What nginx does next: the upgrade, with the client's headers and the ticket, to the dispatcher.
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder();
        req.headers.forEach((name, values) -> {
            if (!HANDSHAKE.contains(name)) {
                values.forEach(v -> b.header(name, v));
            }
        });
        req.upstreamHeaders.forEach(b::header);
        WebSocket ws = b.buildAsync(URI.create("ws://127.0.0.1:" + req.targetPort + req.path + "?" + req.query), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                events.add(data.toString());
                socket.request(1);
                return null;
            }
        }).get(10, TimeUnit.SECONDS);
        assertThat(events.poll(10, TimeUnit.SECONDS)).contains("\"type\":\"session.created\"");
        ws.sendText("{\"type\":\"response.create\"}", true).get(10, TimeUnit.SECONDS);
        String done = null;
        for (String e; (e = events.poll(10, TimeUnit.SECONDS)) != null; ) {
            if (e.contains("\"type\":\"response.done\"")) {
                done = e;
                break;
            }
        }
        assertThat(done).contains("\"output_tokens\":3");
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
        assertThat(mock.requests().get(0).path()).isEqualTo("/v1/realtime?model=" + MODEL);
        assertThat(mock.requests().get(0).header("authorization")).contains("Bearer sk-gateway");
        assertThat(mock.requests().get(0).headers().toString()).doesNotContain(TOKEN);

        // The route's request quota counts the session: the next handshake is refused at the access phase.
        KongRequest again = kong.handle(conf, "access", handshake("cf-aig-authorization", "Bearer " + TOKEN));
        assertThat(again.exitStatus).isEqualTo(429);
        assertThat(again.forwarded()).isFalse();
    }
}
