package dev.fairway.bench;

import dev.fairway.http.Headers;
import dev.fairway.pipeline.Completion;
import dev.fairway.pipeline.Decision;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.Gateway;
import dev.fairway.pipeline.GatewayRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Requests and upstream answers played against a {@link Gateway} without a network. */
public final class Exchanges {
    public static final String PATH = "/openai/v1/chat/completions";

    private Exchanges() {}

    public static GatewayRequest chatRequest(byte[] body) {
        Headers headers = Headers.of("content-type", "application/json", "authorization", "Bearer sk-bench-client",
                "user-agent", "bench/1.0", "accept", "application/json");
        return GatewayRequest.of("POST", PATH, headers, body);
    }

    /** The exchange a request opens, which must be forwarded (a miss, no refusal). */
    public static Exchange forwarded(Gateway gateway, byte[] body) {
        Decision d = gateway.decide(chatRequest(body)).join();
        if (d instanceof Decision.Forward f) {
            return f.exchange();
        }
        Decision.Answer a = (Decision.Answer) d;
        throw new IllegalStateException("expected a forward, got " + a.status() + ": " + new String(a.body(), StandardCharsets.UTF_8));
    }

    /** Plays a complete 200 JSON answer through the exchange's observers and completes it. */
    public static void answer(Exchange exchange, byte[] json) {
        var observer = exchange.observer();
        observer.onHeaders(200, Headers.of("content-type", "application/json", "content-length", Integer.toString(json.length)));
        observer.onChunk(ByteBuffer.wrap(json));
        observer.onEnd(true);
        exchange.complete(Completion.relayed(200, 0, 1, 1_000_000, 2_000_000, json.length));
    }

    /** Completes an exchange as an upstream failure: nothing is cached, single-flight waiters are released. */
    public static void failed(Exchange exchange) {
        exchange.complete(Completion.relayed(503, 0, 1, 1_000_000, 1_000_000, 0).withError("upstream_error"));
    }

    public static byte[] chatAnswer() {
        return """
                {"id":"chatcmpl-bench","object":"chat.completion","created":1767225600,"model":"gpt-4o-mini",\
                "choices":[{"index":0,"message":{"role":"assistant","content":"A short answer from the cache."},\
                "finish_reason":"stop"}],"usage":{"prompt_tokens":412,"completion_tokens":9,"total_tokens":421}}"""
                .getBytes(StandardCharsets.UTF_8);
    }
}
