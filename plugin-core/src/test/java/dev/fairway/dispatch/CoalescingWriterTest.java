package dev.fairway.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.streams.ReadStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The answer's writes, one per pass of the event loop, against a real server and client. */
class CoalescingWriterTest {
    private final Vertx vertx = Vertx.vertx();
    private final HttpClient client = vertx.createHttpClient();
    /** What reached the response: "write:<bytes>" and "end:<bytes>", in order. */
    private final List<String> calls = new CopyOnWriteArrayList<>();
    /** What the writer asked of the upstream: "pause", "resume". */
    private final List<String> upstreamCalls = new CopyOnWriteArrayList<>();
    /** What the upstream does when resumed: the answer's end, in the back-pressure test. */
    private volatile Runnable onResume = () -> { };

    @AfterEach
    void close() {
        vertx.close();
    }

    @Test
    void chunksWrittenInOnePassLeaveInOneWrite() throws Exception {
        String body = serve((w, ctx) -> {
            for (String s : List.of("data: 1\n\n", "data: 2\n\n", "data: 3\n\n")) {
                w.write(Buffer.buffer(s));
            }
            vertx.setTimer(20, t -> w.end(Buffer.buffer()));
        });
        assertThat(body).isEqualTo("data: 1\n\ndata: 2\n\ndata: 3\n\n");
        assertThat(calls).containsExactly("write:data: 1\n\ndata: 2\n\ndata: 3\n\n", "end:");
    }

    @Test
    void anEndInTheSamePassTakesTheGatheredChunksAlong() throws Exception {
        String body = serve((w, ctx) -> {
            w.write(Buffer.buffer("a"));
            w.write(Buffer.buffer("b"));
            w.end(Buffer.buffer("c"));
        });
        assertThat(body).isEqualTo("abc");
        assertThat(calls).containsExactly("end:abc");
    }

    @Test
    void aChunkIsNotHeldBackForTheNextOne() throws Exception {
        CompletableFuture<Void> firstArrived = new CompletableFuture<>();
        CompletableFuture<String> body = new CompletableFuture<>();
        start((w, ctx) -> {
            w.write(Buffer.buffer("first "));
            // The second chunk is written only once the client has the first: held back, this would never end.
            firstArrived.thenRun(() -> ctx.runOnContext(v -> w.end(Buffer.buffer("second"))));
        }).compose(port -> client.request(HttpMethod.GET, port, "127.0.0.1", "/")).compose(req -> req.send())
                .onSuccess(r -> read(r, body, firstArrived));
        assertThat(body.get(10, TimeUnit.SECONDS)).isEqualTo("first second");
        assertThat(calls).containsExactly("write:first ", "end:second");
    }

    @Test
    void pastTheLimitTheGatheredBytesAreWrittenWithoutWaitingForThePassToEnd() throws Exception {
        int piece = CoalescingWriter.MAX_PENDING / 4;
        List<Integer> writesSeenInThePass = new CopyOnWriteArrayList<>();
        String body = serve((w, ctx) -> {
            for (int i = 0; i < 5; i++) {
                w.write(Buffer.buffer("x".repeat(piece)));
                writesSeenInThePass.add(calls.size());
            }
            vertx.setTimer(20, t -> w.end(Buffer.buffer()));
        });
        assertThat(body).hasSize(5 * piece);
        // The fourth piece reaches the limit: four pieces go out at once, the fifth when the pass ends.
        assertThat(writesSeenInThePass).containsExactly(0, 0, 0, 1, 1);
        assertThat(calls).containsExactly("write:" + "x".repeat(4 * piece), "write:" + "x".repeat(piece), "end:");
    }

    @Test
    void aFullWriteQueuePausesTheUpstreamUntilTheClientHasReadIt() throws Exception {
        CompletableFuture<String> body = new CompletableFuture<>();
        CompletableFuture<Integer> pieces = new CompletableFuture<>();
        CompletableFuture<HttpClientResponse> head = new CompletableFuture<>();
        Buffer piece = Buffer.buffer("y".repeat(CoalescingWriter.MAX_PENDING));
        start((w, ctx) -> {
            // As the relay does: no more upstream chunks once it is paused. The client reads nothing yet.
            int n = 0;
            while (!upstreamCalls.contains("pause") && n < 1024) {
                w.write(piece.copy());
                n++;
            }
            pieces.complete(n);
            onResume = () -> w.end(Buffer.buffer());
        }).compose(port -> client.request(HttpMethod.GET, port, "127.0.0.1", "/")).compose(req -> req.send())
                .onSuccess(r -> {
                    r.pause();
                    head.complete(r);
                });
        int n = pieces.get(10, TimeUnit.SECONDS);
        assertThat(n).isLessThan(1024);
        // The client's connection still takes in what fits its buffers, so the queue may drain (and the
        // upstream resume) before the client reads: only the order is fixed.
        assertThat(upstreamCalls).startsWith("pause");
        HttpClientResponse r = head.get(10, TimeUnit.SECONDS);
        vertx.runOnContext(v -> read(r, body, new CompletableFuture<>()));
        assertThat(body.get(20, TimeUnit.SECONDS)).hasSize(n * CoalescingWriter.MAX_PENDING);
        assertThat(upstreamCalls).containsExactly("pause", "resume");
    }

    @Test
    void discardedChunksAreNeverWritten() throws Exception {
        String body = serve((w, ctx) -> {
            w.write(Buffer.buffer("dropped"));
            w.discard();
            w.end(Buffer.buffer("kept"));
        });
        assertThat(body).isEqualTo("kept");
        assertThat(calls).containsExactly("end:kept");
    }

    /** Serves one chunked answer made by {@code answer} and returns the body a client read. */
    private String serve(BiConsumer<CoalescingWriter, Context> answer) throws Exception {
        CompletableFuture<String> body = new CompletableFuture<>();
        start(answer).compose(port -> client.request(HttpMethod.GET, port, "127.0.0.1", "/")).compose(req -> req.send())
                .onSuccess(r -> read(r, body, new CompletableFuture<>()))
                .onFailure(body::completeExceptionally);
        return body.get(10, TimeUnit.SECONDS);
    }

    private io.vertx.core.Future<Integer> start(BiConsumer<CoalescingWriter, Context> answer) {
        HttpServer server = vertx.createHttpServer().requestHandler(req -> {
            HttpServerResponse response = counted(req.response());
            response.setChunked(true);
            Context ctx = Vertx.currentContext();
            answer.accept(new CoalescingWriter(response, ctx, upstream()), ctx);
        });
        return server.listen(0, "127.0.0.1").map(HttpServer::actualPort);
    }

    private static void read(HttpClientResponse r, CompletableFuture<String> body, CompletableFuture<Void> firstBytes) {
        Buffer all = Buffer.buffer();
        r.handler(b -> {
            all.appendBuffer(b);
            firstBytes.complete(null);
        });
        r.endHandler(v -> body.complete(all.toString()));
        r.exceptionHandler(body::completeExceptionally);
        r.resume();
    }

    /** The real response, with its writes and ends noted in {@link #calls}. */
    private HttpServerResponse counted(HttpServerResponse real) {
        return (HttpServerResponse) Proxy.newProxyInstance(HttpServerResponse.class.getClassLoader(), new Class<?>[] {HttpServerResponse.class},
                (proxy, method, args) -> {
                    if ((method.getName().equals("write") || method.getName().equals("end")) && args != null && args.length == 1
                            && args[0] instanceof Buffer b) {
                        calls.add(method.getName() + ":" + b);
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** An upstream that only notes what it is asked. */
    @SuppressWarnings("unchecked")
    private ReadStream<Buffer> upstream() {
        return (ReadStream<Buffer>) Proxy.newProxyInstance(ReadStream.class.getClassLoader(), new Class<?>[] {ReadStream.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("pause") || method.getName().equals("resume")) {
                        upstreamCalls.add(method.getName());
                    }
                    if (method.getName().equals("resume")) {
                        onResume.run();
                    }
                    return method.getReturnType().isInstance(proxy) ? proxy : null;
                });
    }
}
