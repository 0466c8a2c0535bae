package dev.fairway.apisix;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A tiny OpenAI-shaped upstream for the whole-chain tests: a JSON completion that reports how many
 * body bytes it received, or, for {@code "stream":true}, an SSE stream whose second event waits for
 * {@link #releaseStream()}, so a test can prove the first event reached the client while the
 * upstream was still open.
 */
final class FakeProvider implements AutoCloseable {
    record Seen(String method, String path, String authorization, int bodyBytes) {}

    private final HttpServer server;
    private final BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
    private volatile CountDownLatch streamGate = new CountDownLatch(1);

    FakeProvider() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    Seen next() throws InterruptedException {
        return seen.poll(10, TimeUnit.SECONDS);
    }

    void releaseStream() {
        streamGate.countDown();
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        seen.add(new Seen(ex.getRequestMethod(), ex.getRequestURI().toString(),
                ex.getRequestHeaders().getFirst("authorization"), body.length));
        String text = new String(body, 0, Math.min(body.length, 4096), StandardCharsets.UTF_8);
        if (text.contains("\"stream\":true")) {
            stream(ex);
            return;
        }
        byte[] answer = ("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"received " + body.length + " bytes\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("content-type", "application/json");
        ex.sendResponseHeaders(200, answer.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(answer);
        }
    }

    private void stream(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().add("content-type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(event("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}"));
            out.flush();
            try {
                if (!streamGate.await(120, TimeUnit.SECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            out.write(event("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"}}]}"));
            out.write(event("[DONE]"));
        }
    }

    private static byte[] event(String data) {
        return ("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        streamGate.countDown();
        server.stop(0);
    }
}
