package dev.fairway.kong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An OpenAI-shaped provider for the whole-chain tests: a JSON completion, or, when the body asks to
 * stream, an SSE stream whose second event waits for the test's go-ahead, so a test can prove the
 * first event reached the client while the upstream was still mid-answer.
 */
final class FakeUpstream implements AutoCloseable {
    record Seen(String method, String path, Map<String, List<String>> headers, byte[] body) {}

    final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
    final CountDownLatch releaseStream = new CountDownLatch(1);
    private final HttpServer server;

    FakeUpstream() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        seen.add(new Seen(ex.getRequestMethod(), ex.getRequestURI().getRawPath(), Map.copyOf(ex.getRequestHeaders()), body));
        String text = new String(body, 0, Math.min(body.length, 4096), StandardCharsets.UTF_8);
        if (text.contains("\"stream\":true")) {
            ex.getResponseHeaders().add("content-type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(event("{\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}"));
                out.flush();
                try {
                    releaseStream.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                out.write(event("{\"choices\":[{\"delta\":{\"content\":\"lo\"}}]}"));
                out.write(event("[DONE]"));
            }
            return;
        }
        byte[] answer = ("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4},\"received_bytes\":" + body.length + "}")
                .getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("content-type", "application/json");
        ex.sendResponseHeaders(200, answer.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(answer);
        }
    }

    private static byte[] event(String data) {
        return ("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        releaseStream.countDown();
        server.stop(0);
    }
}
