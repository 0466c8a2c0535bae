package dev.fairway.realtime;

import static dev.fairway.realtime.RealtimeSessionTest.logs;
import static dev.fairway.realtime.RealtimeSessionTest.record;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.RouteConfig;
import dev.fairway.host.HostBridge;
import dev.fairway.host.HostResult;
import dev.fairway.http.Headers;
import dev.fairway.mock.MockOptions;
import dev.fairway.pipeline.GatewayRequest;
import dev.fairway.testing.GatewayHarness;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A realtime session through a host (Kong, APISIX, Envoy): the host's upgrade is decided by the
 * bridge, and the host forwards the client's upgrade, ticket attached, to the dispatcher endpoint,
 * which opens the session.
 */
class RealtimeDispatcherTest {
    private static final String PATH = "/openai/v1/realtime?model=gpt-4o-realtime-preview";

    @Test
    void aHostForwardedUpgradeBecomesASessionOnTheDispatcherEndpoint() throws Exception {
        String spool = GatewayHarness.tempDir("fairway-rt-host");
        try (GatewayHarness h = GatewayHarness.start(logs(spool), MockOptions.builder().chunks(4).build());
             RealtimeTestClient c = new RealtimeTestClient()) {
            HostBridge bridge = new HostBridge(h.fairway().gateway(), h.fairway().dispatcher());
            RouteConfig route = ConfigLoader.withEnv(Map.of()).parseRoute("{name: kong-route}");
            Headers upgrade = Headers.of("upgrade", "websocket", "connection", "Upgrade", "sec-websocket-version", "13",
                    "sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==");
            HostResult r = bridge.handle(new GatewayRequest("GET", PATH, upgrade, new byte[0], null), route, 10_000).await();

            assertThat(r).isInstanceOf(HostResult.ForwardByTicket.class);
            String ticket = ((HostResult.ForwardByTicket) r).ticket();
            int port = h.fairway().dispatcherReady().get(10, TimeUnit.SECONDS);
            c.connect("ws://127.0.0.1:" + port + PATH, "x-fairway-ticket", ticket);
            c.await("session.created");
            c.send("{\"type\":\"response.create\"}");
            JsonNode usage = c.await("response.done").path("response").path("usage");
            c.ws.close((short) 1000, "bye");
            c.closed.get(10, TimeUnit.SECONDS);

            JsonNode record = record(spool, ((HostResult.ForwardByTicket) r).exchange().logId());
            assertThat(record.path("route").asText()).isEqualTo("kong-route");
            assertThat(record.path("status").asInt()).isEqualTo(101);
            assertThat(record.path("model").asText()).isEqualTo("gpt-4o-realtime-preview");
            assertThat(record.path("tokens_out").asLong()).isEqualTo(usage.path("output_tokens").asLong()).isEqualTo(4);
            assertThat(h.mock().requests().get(0).header("authorization")).contains("Bearer sk-test-openai");
            assertThat(h.mock().requests().get(0).headers().keySet()).noneMatch(n -> n.equalsIgnoreCase("x-fairway-ticket"));
        }
    }
}
