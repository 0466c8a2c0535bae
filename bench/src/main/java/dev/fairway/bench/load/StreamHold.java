package dev.fairway.bench.load;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Holds many streams open at once (the upstream is asked to pace its chunks), so that the
 * gateway's resident memory can be read while they are all in flight. Writes {@code ready} once
 * every stream has delivered its first byte (or the wait ran out), then waits for them to end.
 */
final class StreamHold {
    private final Vertx vertx;
    private final HttpClientAgent client;
    private final Target target;

    StreamHold(Vertx vertx, HttpClientAgent client, Target target) {
        this.vertx = vertx;
        this.client = client;
        this.target = target;
    }

    Map<String, Object> run(int streams, Path ready, long waitMillis) throws InterruptedException, IOException {
        AtomicInteger started = new AtomicInteger();
        AtomicInteger completed = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        CountDownLatch firstBytes = new CountDownLatch(streams);
        CountDownLatch ends = new CountDownLatch(streams);
        vertx.getOrCreateContext().runOnContext(v -> {
            for (int i = 0; i < streams; i++) {
                open(i, started, completed, failed, firstBytes, ends);
            }
        });
        boolean all = firstBytes.await(waitMillis, TimeUnit.MILLISECONDS);
        int openAtReady = started.get() - completed.get() - failed.get();
        Files.writeString(ready, "open=" + openAtReady + "\n");
        ends.await(waitMillis, TimeUnit.MILLISECONDS);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", target.name());
        m.put("mode", "hold");
        m.put("streams", streams);
        m.put("open_at_ready", openAtReady);
        m.put("all_started", all);
        m.put("completed", completed.get());
        m.put("failed", failed.get());
        return m;
    }

    private void open(int n, AtomicInteger started, AtomicInteger completed, AtomicInteger failed,
                      CountDownLatch firstBytes, CountDownLatch ends) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
                .setPort(target.port()).setURI(target.pathAndQuery()).setIdleTimeout(60_000);
        options.putHeader("content-type", "application/json");
        for (Map.Entry<String, String> h : target.headers()) {
            options.addHeader(h.getKey(), h.getValue());
        }
        Buffer body = Buffer.buffer(LoadCase.STREAM.body("hold-" + System.nanoTime(), n));
        boolean[] first = {true};
        client.request(options).compose(req -> req.send(body)).onComplete(ar -> {
            if (ar.failed()) {
                failed.incrementAndGet();
                firstBytes.countDown();
                ends.countDown();
                return;
            }
            var response = ar.result();
            response.handler(chunk -> {
                if (first[0]) {
                    first[0] = false;
                    started.incrementAndGet();
                    firstBytes.countDown();
                }
            });
            response.exceptionHandler(t -> {
                failed.incrementAndGet();
                ends.countDown();
            });
            response.endHandler(v -> {
                if (first[0]) {
                    first[0] = false;
                    firstBytes.countDown();
                }
                if (response.statusCode() == 200) {
                    completed.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                }
                ends.countDown();
            });
        });
    }
}
