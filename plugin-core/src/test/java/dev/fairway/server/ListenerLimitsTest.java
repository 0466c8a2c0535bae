package dev.fairway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.mock.MockOptions;
import dev.fairway.testing.GatewayHarness;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, items 8, 11 and 16: a client cannot hold connections with half-sent heads or stalled
 * bodies, one address cannot take every connection, broken chunked framing is a 400 (never a 500
 * naming a Java class), and h2c is off unless configured, with 413 answered on HTTP/2 too.
 * Timeouts are short here; the assertions wait for events (closed socket, answer), never for a duration.
 */
class ListenerLimitsTest {
    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static GatewayHarness harness;

    @BeforeAll
    static void start() {
        harness = GatewayHarness.start("""
                server:
                  port: 0
                  admin_port: 0
                  limits: {header_timeout_ms: 300, body_timeout_ms: 300, idle_timeout_ms: 300, max_connections_per_address: 3}
                routes:
                  - {name: r, prefix: /, max_body_bytes: 1000}
                """, MockOptions.defaults());
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void aHalfSentHeadIsClosed() throws IOException {
        try (Socket s = socket()) {
            s.getOutputStream().write("POST /openai/v1/chat/completions HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readAll(s.getInputStream())).isEmpty();
        }
    }

    @Test
    void aStalledBodyIsAnswered408AndClosed() throws IOException {
        try (Socket s = socket()) {
            s.getOutputStream().write(("POST /openai/v1/chat/completions HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n"
                    + "content-length: 100\r\n\r\n{\"model\"").getBytes(StandardCharsets.US_ASCII));
            String answer = readAll(s.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 408").contains("\"type\":\"request_timeout\"", "\"timeout_ms\":300");
        }
    }

    @Test
    void anIdleKeptAliveConnectionIsClosedButASlowAnswerIsNot() throws IOException {
        try (Socket s = socket()) {
            // The provider takes longer than every listener timeout: the answer still arrives, then idleness closes the connection.
            s.getOutputStream().write(("POST /openai/v1/chat/completions HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n"
                    + "x-mock-delay-ms: 900\r\ncontent-length: " + CHAT.length() + "\r\n\r\n" + CHAT).getBytes(StandardCharsets.US_ASCII));
            String answer = readAll(s.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 200").contains("chat.completion");
        }
    }

    @Test
    void oneAddressHoldsAtMostTheCap() throws IOException {
        Socket a = socket();
        Socket b = socket();
        Socket c = socket();
        try (Socket d = socket()) {
            // The fourth connection is closed without an answer; the others still serve.
            d.getOutputStream().write(("GET /x HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(readAll(d.getInputStream())).isEmpty();
        } finally {
            a.close();
            b.close();
            c.close();
        }
        // Closed connections give their places back.
        assertThat(harness.post("/openai/v1/chat/completions", CHAT).statusCode()).isEqualTo(200);
    }

    @Test
    void malformedChunkedBodiesAre400WithoutClassNames() throws IOException {
        try (Socket s = socket()) {
            s.getOutputStream().write(("POST /openai/v1/chat/completions HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n"
                    + "transfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String answer = readAll(s.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 400").contains("\"type\":\"invalid_request\"", "malformed HTTP framing")
                    .doesNotContain("Exception", "internal_error");
        }
    }

    @Test
    void h2cIsOffByDefaultAndAnswers413WhenOn() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (GatewayHarness h2 = GatewayHarness.start("""
                server: {port: 0, admin_port: 0, limits: {h2c: true}}
                routes:
                  - {name: r, prefix: /, max_body_bytes: 1000}
                """, MockOptions.defaults())) {
            var client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
            // Off by default: a prior-knowledge HTTP/2 client gets no answer on the default harness.
            var refused = client.request(options(harness.fairway().port()))
                    .compose(r -> r.send(Buffer.buffer(CHAT))).toCompletionStage().toCompletableFuture();
            assertThat(refused).failsWithin(5, TimeUnit.SECONDS);
            var big = client.request(options(h2.fairway().port()))
                    .compose(r -> r.send(Buffer.buffer("x".repeat(300_000))))
                    .compose(resp -> resp.body().map(b -> resp.version() + " " + resp.statusCode() + " " + b))
                    .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertThat(big).startsWith("HTTP_2 413").contains("payload_too_large");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        }
    }

    private static RequestOptions options(int port) {
        return new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
                .setURI("/openai/v1/chat/completions").addHeader("content-type", "application/json");
    }

    private static Socket socket() throws IOException {
        Socket s = new Socket("127.0.0.1", harness.fairway().port());
        s.setSoTimeout(20_000); // a safety net: every test ends with the server closing the connection
        return s;
    }

    /** Everything the server sends until it closes the connection. */
    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }
}
