package dev.fairway.envoy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.Fairway;
import dev.fairway.auth.TokenHashes;
import dev.fairway.config.ConfigLoader;
import dev.fairway.dispatch.TicketBook;
import dev.fairway.mock.MockOptions;
import dev.fairway.mock.MockProvider;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A realtime session through Envoy (dispatcher mode): ext_proc sees the WebSocket handshake's
 * headers, which Envoy sends with end_of_stream false (the upgraded session follows them), and
 * decides at once with the route's authentication and request quota: a refusal is an
 * ImmediateResponse, a forward a header mutation routing to the dispatcher with a ticket. No body
 * phase is waited for, whether the route's override sends no body (as examples/envoy/README.md
 * advises) or the filter's default BUFFERED mode is left on. The dispatcher then opens the session.
 */
class RealtimeUpgradeTest {
    private static final String MODEL = "gpt-4o-realtime-preview";
    private static final String TOKEN = "token-voice";

    private MockProvider mock;
    private Fairway fairway;
    private ExtProcServer server;
    private EnvoySide envoy;

    @BeforeEach
    void start() throws Exception {
        mock = MockProvider.start(MockOptions.builder().port(0).chunks(3).build());
        ExtProcConfig config = ExtProcConfig.parse("""
                providers:
                  openai: {base_url: "%s/v1", api_key: sk-gateway}
                routes:
                  - name: ai
                    prefix: /ai
                    auth: {enabled: true, clients: [{name: a, token_sha256: %s}]}
                    quotas: [{name: sessions, unit: requests, limit: 1, window: 1h}]
                """.formatted(mock.baseUrl(), TokenHashes.hash(TOKEN)), ConfigLoader.withEnv(Map.of()));
        fairway = Fairway.builder(config.gateway()).dispatcherEndpoint(true).start();
        server = ExtProcServer.builder(fairway, config).port(0).start();
        envoy = EnvoySide.connect(server.port());
    }

    @AfterEach
    void stop() throws Exception {
        envoy.close();
        server.close();
        fairway.close();
        mock.close();
    }

    /** The handshake's headers as Envoy's HCM hands them over: end_of_stream false, the session follows. */
    private ProcessingResponse handshake(BodySendMode requestBody, String... extra) throws Exception {
        String[] headers = new String[8 + extra.length];
        System.arraycopy(new String[] {"upgrade", "websocket", "connection", "Upgrade", "sec-websocket-version", "13",
                "sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="}, 0, headers, 0, 8);
        System.arraycopy(extra, 0, headers, 8, extra.length);
        EnvoySide.Stream s = envoy.open("ai", requestBody, BodySendMode.NONE);
        s.requestHeaders(Http.request("GET", "/ai/openai/v1/realtime?model=" + MODEL, headers), false);
        return s.reply();
    }

    @ParameterizedTest(name = "request_body_mode={0}")
    @EnumSource(value = BodySendMode.class, names = {"NONE", "BUFFERED"})
    void anUnauthenticatedHandshakeIsRefusedAtItsHeaders(BodySendMode mode) throws Exception {
        ProcessingResponse r = handshake(mode);
        assertThat(r.hasImmediateResponse()).as("%s", r).isTrue();
        assertThat(r.getImmediateResponse().getStatus().getCodeValue()).isEqualTo(401);
        assertThat(Http.jsonError(r.getImmediateResponse()).get("type").asText()).isEqualTo("unauthorized");
        assertThat(mock.requestCount()).isZero();
    }

    @Test
    void anAuthenticatedHandshakeIsRoutedToTheDispatcherWhichOpensTheSessionAndTheQuotaCountsIt() throws Exception {
        ProcessingResponse r = handshake(BodySendMode.NONE, "cf-aig-authorization", "Bearer " + TOKEN, "openai-beta", "realtime=v1");
        assertThat(r.hasRequestHeaders()).as("decided at the headers, not refused: %s", r).isTrue();
        CommonResponse common = r.getRequestHeaders().getResponse();
        assertThat(common.getClearRouteCache()).isTrue();
        assertThat(Http.set(common.getHeaderMutation(), "x-fairway-upstream")).isEqualTo("fairway-dispatcher");
        String ticket = Http.set(common.getHeaderMutation(), TicketBook.HEADER);
        assertThat(ticket).isNotBlank();
        assertThat(common.hasBodyMutation()).as("a handshake has no body to clear").isFalse();

        // What Envoy does next: the upgrade, with its ticket, to the dispatcher cluster.
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().header(TicketBook.HEADER, ticket).header("openai-beta", "realtime=v1")
                .buildAsync(URI.create("ws://127.0.0.1:" + fairway.dispatcherPort() + "/ai/openai/v1/realtime?model=" + MODEL),
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
        assertThat(mock.requests().get(0).path()).isEqualTo("/v1/realtime?model=" + MODEL);
        assertThat(mock.requests().get(0).header("authorization")).contains("Bearer sk-gateway");

        ProcessingResponse again = handshake(BodySendMode.BUFFERED, "cf-aig-authorization", "Bearer " + TOKEN);
        assertThat(again.getImmediateResponse().getStatus().getCodeValue()).as("%s", again).isEqualTo(429);
    }
}
