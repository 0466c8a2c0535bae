package dev.fairway.bench.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The floor's bare relay passes answers through as they are: a wrong one would make its rates meaningless. */
class BareRelayTest {
    private final Vertx vertx = Vertx.vertx();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void close() {
        vertx.close().await();
    }

    @Test
    void relaysAFixedLengthAnswerAndAStreamToTheSamePathUpstream() throws Exception {
        HttpServer upstream = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
            if (req.path().startsWith("/sse/")) {
                var out = req.response().setChunked(true).putHeader("content-type", "text/event-stream");
                out.write("data: 1\n\n");
                vertx.setTimer(20, t -> out.end("data: [DONE]\n\n"));
            } else {
                req.response().setStatusCode(201).putHeader("content-type", "application/json")
                        .end(Buffer.buffer("{\"path\":\"" + req.path() + "\",\"got\":").appendBuffer(body).appendString("}"));
            }
        })).listen(0, "127.0.0.1").await();
        int relay = BareRelay.start(vertx, 0, upstream.actualPort()).await().actualPort();

        HttpResponse<String> plain = post(relay, "/v1/chat/completions", "{\"a\":1}");
        assertThat(plain.statusCode()).isEqualTo(201);
        assertThat(plain.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(plain.body()).isEqualTo("{\"path\":\"/v1/chat/completions\",\"got\":{\"a\":1}}");

        HttpResponse<String> stream = post(relay, "/sse/v1/chat/completions", "{}");
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("content-type")).hasValue("text/event-stream");
        assertThat(stream.body()).isEqualTo("data: 1\n\ndata: [DONE]\n\n");
    }

    private HttpResponse<String> post(int port, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
