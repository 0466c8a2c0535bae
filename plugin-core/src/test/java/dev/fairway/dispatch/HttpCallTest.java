package dev.fairway.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.config.DispatchSettings;
import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.http.Headers;
import dev.fairway.pipeline.UpstreamRequest;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.net.ServerSocket;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP call against a local server: the head comes back with its body paused until taken. */
class HttpCallTest {
    private final Vertx vertx = Vertx.vertx();
    private final Dispatcher dispatcher = new Dispatcher(vertx, DispatchSettings.defaults());
    private final HttpCall call = new HttpCall(dispatcher);
    private final Promise<Void> clientLeft = Promise.promise();

    @AfterEach
    void close() {
        dispatcher.close();
        vertx.close();
    }

    private Attempt attempt(int port) {
        UpstreamRequest request = new UpstreamRequest("POST", URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"),
                Headers.of("content-type", "application/json"), "{}".getBytes());
        return Fakes.attempt(Fakes.target(0, "openai", 1), true, Fakes.circuit(new AtomicLong()), clientLeft.future()).sending(request);
    }

    @Test
    void theHeadComesBackAndTheBodyWaitsForItsTaker() throws Exception {
        HttpServer server = vertx.createHttpServer().requestHandler(req -> req.response().setStatusCode(429)
                .putHeader("retry-after", "3").end("busy")).listen(0).await();
        CompletableFuture<String> body = new CompletableFuture<>();
        CompletableFuture<UpstreamHead> got = new CompletableFuture<>();
        vertx.runOnContext(v -> call.call(attempt(server.actualPort())).onComplete(ar -> {
            if (ar.failed()) {
                got.completeExceptionally(ar.cause());
                return;
            }
            UpstreamHead head = ar.result();
            got.complete(head);
            // Taken a moment later: nothing of the body may be lost meanwhile.
            vertx.setTimer(100, t -> {
                Buffer all = Buffer.buffer();
                head.body().handler(all::appendBuffer);
                head.body().endHandler(e -> body.complete(all.toString()));
                head.body().resume();
            });
        }));
        UpstreamHead head = got.get(10, TimeUnit.SECONDS);
        assertThat(head.status()).isEqualTo(429);
        assertThat(head.headers().get("retry-after")).isEqualTo("3");
        assertThat(body.get(10, TimeUnit.SECONDS)).isEqualTo("busy");
    }

    @Test
    void anUnreachableProviderIsNamedByKind() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        CompletableFuture<Throwable> failed = new CompletableFuture<>();
        vertx.runOnContext(v -> call.call(attempt(closed)).onComplete(ar -> failed.complete(ar.cause())));
        GatewayError e = (GatewayError) failed.get(10, TimeUnit.SECONDS);
        assertThat(e.type()).isEqualTo(ErrorType.UPSTREAM_UNAVAILABLE);
        assertThat(e.details()).containsEntry("cause", "connection_refused");
    }

    @Test
    void anAttemptAbandonedBeforeItsHeadFailsAsCancelled() throws Exception {
        CompletableFuture<Void> reset = new CompletableFuture<>();
        HttpServer server = vertx.createHttpServer().requestHandler(req -> req.connection().closeHandler(x -> reset.complete(null)))
                .listen(0).await();
        CompletableFuture<Throwable> failed = new CompletableFuture<>();
        vertx.runOnContext(v -> {
            call.call(attempt(server.actualPort())).onComplete(ar -> failed.complete(ar.cause()));
            vertx.setTimer(200, t -> clientLeft.complete());
        });
        assertThat(failed.get(10, TimeUnit.SECONDS)).isSameAs(Cancelled.INSTANCE);
        reset.get(10, TimeUnit.SECONDS);
    }
}
