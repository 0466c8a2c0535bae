package dev.fairway.apisix;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.Fairway;
import dev.fairway.apisix.ApisixDriver.PluginConf;
import dev.fairway.apisix.ApisixDriver.Request;
import dev.fairway.apisix.ApisixDriver.Rewritten;
import dev.fairway.apisix.ApisixDriver.Stopped;
import dev.fairway.apisix.protocol.TextEntry;
import dev.fairway.config.ConfigLoader;
import dev.fairway.dispatch.TicketBook;
import dev.fairway.mock.MockOptions;
import dev.fairway.mock.MockProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A realtime session through APISIX: the runner decides the WebSocket handshake (a GET with
 * {@code Upgrade: websocket}, the model in its args) and rewrites it with a ticket; APISIX, with
 * {@code enable_websocket}, proxies the upgrade to the dispatcher, which opens the session.
 */
class RealtimeUpgradeTest {
    @TempDir
    Path dir;

    @Test
    void aHandshakeIsRewrittenWithATicketAndTheDispatcherOpensTheSession() throws Exception {
        try (MockProvider mock = MockProvider.start(MockOptions.builder().chunks(3).build());
             Fairway fairway = Fairway.builder(ConfigLoader.defaults()).dispatcherEndpoint(true).start();
             ApisixRunner runner = ApisixRunner.builder(fairway).socket(dir.resolve("runner.sock"))
                     .configLoader(ConfigLoader.withEnv(Map.of("OPENAI_KEY", "sk-test"))).start();
             ApisixDriver apisix = new ApisixDriver(runner.socket(), System::nanoTime)) {
            PluginConf conf = PluginConf.fairway("1", "{\"name\":\"voice\",\"auth\":{\"enabled\":true,\"clients\":[{\"name\":\"a\",\"token_sha256\":\""
                    + dev.fairway.auth.TokenHashes.hash("token-a") + "\"}]},"
                    + "\"providers\":{\"openai\":{\"base_url\":\"" + mock.baseUrl() + "/v1\",\"api_key\":\"${env:OPENAI_KEY}\"}}}");
            Request handshake = Request.of("GET", "/openai/v1/realtime", new byte[0], "host", "ai.example.com",
                    "upgrade", "websocket", "connection", "Upgrade", "sec-websocket-version", "13",
                    "sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
                    .withArgs(List.of(new TextEntry("model", "gpt-4o-realtime-preview")));

            // Authentication runs on the handshake: refused before anything is upgraded.
            Stopped refused = (Stopped) apisix.communicate(conf, handshake);
            assertThat(refused.status()).isEqualTo(401);
            assertThat(refused.bodyText()).contains("\"type\":\"unauthorized\"");

            PluginConf open = PluginConf.fairway("2", "{\"name\":\"voice\","
                    + "\"providers\":{\"openai\":{\"base_url\":\"" + mock.baseUrl() + "/v1\",\"api_key\":\"${env:OPENAI_KEY}\"}}}");
            Rewritten rewrite = (Rewritten) apisix.communicate(open, handshake);
            String ticket = rewrite.header(TicketBook.HEADER);
            assertThat(ticket).isNotBlank();

            BlockingQueue<String> events = new LinkedBlockingQueue<>();
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().header(TicketBook.HEADER, ticket)
                    .buildAsync(URI.create("ws://127.0.0.1:" + fairway.dispatcherPort() + "/openai/v1/realtime?model=gpt-4o-realtime-preview"),
                            new WebSocket.Listener() {
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
            assertThat(mock.requests().get(0).header("authorization")).contains("Bearer sk-test");
        }
    }
}
