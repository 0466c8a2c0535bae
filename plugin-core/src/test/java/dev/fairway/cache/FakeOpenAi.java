package dev.fairway.cache;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny OpenAI-shaped upstream for end-to-end cache tests: counts calls, answers chat completions
 * as JSON or as an SSE stream sent event by event, and can cut a stream or hold answers back.
 */
final class FakeOpenAi implements AutoCloseable {
    static final List<String> EVENTS = List.of(
            "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hello\"},\"finish_reason\":null}]}\n\n",
            "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" world\"},\"finish_reason\":null}]}\n\n",
            "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
            "data: [DONE]\n\n");
    static final String ANSWER = "{\"id\":\"chatcmpl-2\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4o-mini\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello world\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}";

    enum Mode { NORMAL, CUT_STREAM, HOLD }

    final AtomicInteger calls = new AtomicInteger();
    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final Promise<Void> release = Promise.promise();
    volatile Mode mode = Mode.NORMAL;

    FakeOpenAi() {
        server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
            calls.incrementAndGet();
            boolean stream = new JsonObject(body).getBoolean("stream", false);
            HttpServerResponse res = req.response();
            if (mode == Mode.HOLD) {
                release.future().onComplete(v -> answer(res, stream, Mode.NORMAL));
            } else {
                answer(res, stream, mode);
            }
        })).listen(0, "127.0.0.1").await();
    }

    int port() {
        return server.actualPort();
    }

    void release() {
        release.tryComplete();
    }

    private void answer(HttpServerResponse res, boolean stream, Mode how) {
        if (!stream) {
            res.putHeader("content-type", "application/json").putHeader("set-cookie", "tracking=1").end(ANSWER);
            return;
        }
        res.setChunked(true).putHeader("content-type", "text/event-stream");
        res.write(EVENTS.get(0));
        if (how == Mode.CUT_STREAM) {
            res.write(EVENTS.get(1).substring(0, 40)).onComplete(v -> res.reset());
            return;
        }
        for (int i = 1; i < EVENTS.size(); i++) {
            res.write(Buffer.buffer(EVENTS.get(i)));
        }
        res.end();
    }

    @Override
    public void close() {
        vertx.close().await();
    }
}
