package dev.fairway.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A plain WebSocket client speaking OpenAI's Realtime protocol as documented (JSON events, one per
 * text message): there is no realtime client in the official Java SDK. Every event received is
 * queued; the close code and reason are kept.
 */
final class RealtimeTestClient implements AutoCloseable {
    static final JsonMapper JSON = JsonMapper.builder().build();

    private final Vertx vertx = Vertx.vertx();
    private final WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
            .setMaxFrameSize(1024 * 1024).setMaxMessageSize(16 * 1024 * 1024));
    final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
    final CompletableFuture<String> closed = new CompletableFuture<>();
    WebSocket ws;

    /** Connects; fails with the upgrade's refusal ({@link io.vertx.core.http.UpgradeRejectedException}). */
    RealtimeTestClient connect(String url, String... headersAndProtocols) throws Exception {
        WebSocketConnectOptions o = new WebSocketConnectOptions().setAbsoluteURI(url);
        List<String> protocols = new ArrayList<>();
        for (int i = 0; i < headersAndProtocols.length; i += 2) {
            if (headersAndProtocols[i].equals("protocol")) {
                protocols.add(headersAndProtocols[i + 1]);
            } else {
                o.addHeader(headersAndProtocols[i], headersAndProtocols[i + 1]);
            }
        }
        if (!protocols.isEmpty()) {
            o.setSubProtocols(protocols);
        }
        // Handlers go on as the socket opens, on its event loop: the provider speaks first (session.created).
        ws = client.connect(o).onSuccess(this::attach).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        return this;
    }

    private void attach(WebSocket socket) {
        socket.textMessageHandler(text -> {
            try {
                events.add(JSON.readTree(text));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        socket.closeHandler(v -> closed.complete(socket.closeStatusCode() + " " + socket.closeReason()));
    }

    void send(String json) throws Exception {
        ws.writeTextMessage(json).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** The next event of {@code type}, skipping others; fails after the timeout. */
    JsonNode await(String type, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            JsonNode e = events.poll(Math.max(1, (end - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
            if (e != null && e.path("type").asText().equals(type)) {
                return e;
            }
        }
        throw new AssertionError("no " + type + " event within " + timeout);
    }

    JsonNode await(String type) throws InterruptedException {
        return await(type, Duration.ofSeconds(20));
    }

    String logId() {
        return ws.headers().get("cf-aig-log-id");
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
