package dev.fairway.envoy;

import static dev.fairway.envoy.Http.chatBody;
import static dev.fairway.envoy.Http.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.HeaderMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole chain with this test standing in for Envoy: protocol client -> ext_proc service ->
 * (dispatcher mode) real HTTP to the loopback dispatcher -> provider, or (direct mode) the test
 * forwards to the provider itself as Envoy's router would and feeds the response back through
 * ext_proc. Asserts what Envoy would send to the client.
 */
class WholeChainTest {
    // Headers java.net.http sets itself; Envoy's codec would manage them the same way.
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade", "te");

    private Fixture fx;
    private HttpClient http;

    @BeforeEach
    void start() throws Exception {
        fx = Fixture.start();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterEach
    void stop() throws Exception {
        http.close();
        fx.close();
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {true, false})
    void dispatcherMode(boolean stream) throws Exception {
        Map<String, List<String>> headers = clientHeaders();
        byte[] body = utf8(chatBody(stream));
        EnvoySide.Stream s = fx.envoy.open("ai", BodySendMode.BUFFERED, BodySendMode.NONE);
        s.requestHeaders(Http.request("POST", "/ai/fake/v1/chat/completions", flat(headers)), false);
        s.reply();
        s.requestBody(body, true);
        CommonResponse common = s.reply().getRequestBody().getResponse();
        apply(common.getHeaderMutation(), headers);
        byte[] forwarded = common.getBodyMutation().getClearBody() ? new byte[0] : body;

        // Envoy re-matches its routes (clear_route_cache) on the routing header: the dispatcher cluster.
        assertThat(common.getClearRouteCache()).isTrue();
        assertThat(headers.get("x-fairway-upstream")).containsExactly("fairway-dispatcher");
        HttpResponse<InputStream> res = send(URI.create("http://127.0.0.1:" + fx.fairway.dispatcherPort() + "/ai/fake/v1/chat/completions"),
                headers, forwarded);
        byte[] received = res.body().readAllBytes();

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("cf-aig-log-id")).isPresent();
        assertThat(new String(received, StandardCharsets.UTF_8)).isEqualTo(stream ? FakeUpstream.SSE : FakeUpstream.JSON);
        FakeUpstream.Received up = fx.upstream.received.poll(5, TimeUnit.SECONDS);
        assertThat(up.path()).isEqualTo("/v1/chat/completions");
        assertThat(up.body()).isEqualTo(body);
        assertThat(up.header("authorization")).isEqualTo("Bearer " + Fixture.GATEWAY_KEY);
        assertThat(up.header("cf-aig-metadata")).isNull();
        Recorder.Seen seen = fx.recorder.next();
        assertThat(seen.completion().status()).isEqualTo(200);
        assertThat(seen.body()).isEqualTo(received);
        RequestPathTest.assertEndsCleanly(s);
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {true, false})
    void directMode(boolean stream) throws Exception {
        Map<String, List<String>> headers = clientHeaders();
        byte[] body = utf8(chatBody(stream));
        EnvoySide.Stream s = fx.envoy.open("direct", BodySendMode.BUFFERED, BodySendMode.STREAMED);
        s.requestHeaders(Http.request("POST", "/direct/fake/v1/chat/completions", flat(headers)), false);
        s.reply();
        s.requestBody(body, true);
        HeaderMutation m = s.reply().getRequestBody().getResponse().getHeaderMutation();
        Map<String, String> pseudo = new LinkedHashMap<>(Map.of(":path", "/direct/fake/v1/chat/completions", ":authority", "gw.example.com"));
        apply(m, headers, pseudo);

        // The routing header picks the provider's cluster; its address is what the operator configured.
        Map<String, String> clusters = Map.of("fake-cluster", "127.0.0.1:" + fx.upstream.port());
        String cluster = clusters.get(headers.get("x-fairway-upstream").get(0));
        assertThat(pseudo.get(":authority")).isEqualTo(cluster);
        HttpResponse<InputStream> res = send(URI.create("http://" + cluster + pseudo.get(":path")), headers, body);

        Map<String, List<String>> toClient = new LinkedHashMap<>();
        res.headers().map().forEach((k, v) -> toClient.put(k.toLowerCase(), new ArrayList<>(v)));
        List<String[]> responseHeaders = new ArrayList<>();
        toClient.forEach((k, vs) -> vs.forEach(v -> responseHeaders.add(new String[] {k, v})));
        s.responseHeaders(EnvoySide.headerMap(Map.of(":status", Integer.toString(res.statusCode())), responseHeaders), false);
        apply(s.reply().getResponseHeaders().getResponse().getHeaderMutation(), toClient);

        ByteArrayOutputStream clientBody = new ByteArrayOutputStream();
        try (InputStream in = res.body()) {
            byte[] buf = new byte[11]; // small reads: chunk boundaries fall anywhere
            int n;
            byte[] pending = null;
            while ((n = in.read(buf)) >= 0) {
                if (pending != null) {
                    relay(s, pending, false, clientBody);
                }
                pending = java.util.Arrays.copyOf(buf, n);
            }
            relay(s, pending == null ? new byte[0] : pending, true, clientBody);
        }

        assertThat(toClient.get("cf-aig-log-id")).hasSize(1);
        assertThat(new String(clientBody.toByteArray(), StandardCharsets.UTF_8)).isEqualTo(stream ? FakeUpstream.SSE : FakeUpstream.JSON);
        FakeUpstream.Received up = fx.upstream.received.poll(5, TimeUnit.SECONDS);
        assertThat(up.header("authorization")).isEqualTo("Bearer " + Fixture.GATEWAY_KEY);
        assertThat(up.header("cf-aig-metadata")).isNull();
        assertThat(up.header("accept-encoding")).isEqualTo("identity");
        Recorder.Seen seen = fx.recorder.next();
        assertThat(seen.body()).isEqualTo(clientBody.toByteArray());
        assertThat(seen.completion().status()).isEqualTo(200);
        assertThat(seen.completion().truncated()).isFalse();
        RequestPathTest.assertEndsCleanly(s);
    }

    /** One response chunk through ext_proc; STREAMED passes it on unless the answer mutates it. */
    private static void relay(EnvoySide.Stream s, byte[] chunk, boolean last, ByteArrayOutputStream client) throws Exception {
        s.responseBody(chunk, last);
        ProcessingResponse r = s.reply();
        assertThat(r.getResponseBody().getResponse().hasBodyMutation()).isFalse();
        client.writeBytes(chunk);
    }

    private static Map<String, List<String>> clientHeaders() {
        Map<String, List<String>> h = new LinkedHashMap<>();
        h.put("content-type", new ArrayList<>(List.of("application/json")));
        h.put("authorization", new ArrayList<>(List.of("Bearer client-own-key")));
        h.put("cf-aig-metadata", new ArrayList<>(List.of("{\"team\":\"search\"}")));
        return h;
    }

    private static String[] flat(Map<String, List<String>> headers) {
        List<String> out = new ArrayList<>();
        headers.forEach((k, vs) -> vs.forEach(v -> {
            out.add(k);
            out.add(v);
        }));
        return out.toArray(String[]::new);
    }

    private static void apply(HeaderMutation m, Map<String, List<String>> headers) {
        apply(m, headers, new LinkedHashMap<>());
    }

    /** Applies a mutation as Envoy does: {@link EnvoyHeaders}, pseudo-headers kept apart. */
    private static void apply(HeaderMutation m, Map<String, List<String>> headers, Map<String, String> pseudo) {
        EnvoyHeaders h = EnvoyHeaders.empty();
        pseudo.forEach((k, v) -> h.asMap().put(k, new ArrayList<>(List.of(v))));
        headers.forEach((k, v) -> h.asMap().put(k, new ArrayList<>(v)));
        h.apply(m);
        headers.clear();
        pseudo.clear();
        h.asMap().forEach((k, v) -> {
            if (k.startsWith(":")) {
                pseudo.put(k, v.get(0));
            } else {
                headers.put(k, v);
            }
        });
    }

    private HttpResponse<InputStream> send(URI uri, Map<String, List<String>> headers, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach((k, vs) -> {
            if (!RESTRICTED.contains(k)) {
                vs.forEach(v -> b.header(k, v));
            }
        });
        return http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    }
}
