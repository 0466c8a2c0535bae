package dev.fairway.log;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A tiny OpenAI-style upstream: chat completions as JSON, or as SSE when the body asks for a
 * stream, with the usage chunk only when stream_options.include_usage is set, as OpenAI does.
 */
final class FakeUpstream implements AutoCloseable {
    final List<JsonObject> bodies = new CopyOnWriteArrayList<>();
    final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;

    FakeUpstream() {
        server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().join();
    }

    int port() {
        return server.actualPort();
    }

    private void handle(HttpServerRequest req) {
        req.body().onSuccess(buf -> {
            JsonObject body = buf.length() == 0 ? new JsonObject() : buf.toJsonObject();
            bodies.add(body);
            authorizations.add(String.valueOf(req.getHeader("authorization")));
            String text = "Reach me at jane.doe@example.com or +41 44 668 18 00.";
            if (body.getBoolean("stream", false)) {
                var res = req.response().setChunked(true).putHeader("content-type", "text/event-stream");
                res.write(chunk("{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text + "\"}}]"
                        + usageNull(body) + "}"));
                res.write(chunk("{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]"
                        + usageNull(body) + "}"));
                JsonObject opts = body.getJsonObject("stream_options");
                if (opts != null && opts.getBoolean("include_usage", false)) {
                    res.write(chunk("{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":"
                            + "{\"prompt_tokens\":1200,\"completion_tokens\":300,\"total_tokens\":1500,\"prompt_tokens_details\":{\"cached_tokens\":1000}}}"));
                }
                res.end("data: [DONE]\n\n");
            } else {
                req.response().putHeader("content-type", "application/json").end(
                        "{\"id\":\"c2\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":"
                                + "{\"role\":\"assistant\",\"content\":\"" + text + "\"},\"finish_reason\":\"stop\"}],"
                                + "\"usage\":{\"prompt_tokens\":1000,\"completion_tokens\":500,\"total_tokens\":1500}}");
            }
        });
    }

    private static String usageNull(JsonObject body) {
        JsonObject opts = body.getJsonObject("stream_options");
        return opts != null && opts.getBoolean("include_usage", false) ? ",\"usage\":null" : "";
    }

    private static Buffer chunk(String json) {
        return Buffer.buffer("data: " + json + "\n\n");
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
