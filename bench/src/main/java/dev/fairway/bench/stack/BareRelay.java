package dev.fairway.bench.stack;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.Set;

/**
 * The floor's "bare Vert.x relay" target: the least a reverse proxy on Fairway's own HTTP stack does,
 * set up as the gateway sets up its server and upstream pool (Vert.x 5, one listener, TCP_NODELAY,
 * keep-alive, the native transport where there is one). A request's body is read whole and sent
 * to the same path upstream; the answer's head is copied and its body relayed chunk by chunk with
 * back-pressure. No routing, no logs, no usage: what is left of Fairway's cost per request once this
 * is subtracted is the gateway's own work (docs/benchmarks.md, "What changed (issue 22, wave 10)").
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.fairway.bench.stack.BareRelay PORT UPSTREAM_PORT
 * </pre>
 */
public final class BareRelay {
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "transfer-encoding", "te", "trailer",
            "upgrade", "proxy-authenticate", "proxy-authorization");

    private BareRelay() {}

    public static void main(String[] args) {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: BareRelay PORT UPSTREAM_PORT");
        }
        int upstreamPort = Integer.parseInt(args[1]);
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        int port = start(vertx, Integer.parseInt(args[0]), upstreamPort).toCompletionStage().toCompletableFuture().join().actualPort();
        System.out.println("bare relay on 127.0.0.1:" + port + " -> 127.0.0.1:" + upstreamPort);
    }

    /** Listens on 127.0.0.1:{@code port} (0: a free one) and relays to 127.0.0.1:{@code upstreamPort}. */
    static Future<HttpServer> start(Vertx vertx, int port, int upstreamPort) {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
                new PoolOptions().setHttp1MaxSize(256));
        return vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true))
                .requestHandler(req -> relay(client, upstreamPort, req))
                .listen(port, "127.0.0.1");
    }

    private static void relay(HttpClient client, int upstreamPort, HttpServerRequest req) {
        req.body().compose(body -> {
            RequestOptions options = new RequestOptions().setMethod(req.method()).setHost("127.0.0.1").setPort(upstreamPort)
                    .setURI(req.uri());
            req.headers().forEach((name, value) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase()) && !name.equalsIgnoreCase("host")) {
                    options.addHeader(name, value);
                }
            });
            return client.request(options).compose(up -> up.send(body));
        }).onComplete(ar -> {
            if (ar.failed()) {
                req.response().setStatusCode(502).end();
                return;
            }
            answer(ar.result(), req.response());
        });
    }

    private static void answer(HttpClientResponse up, HttpServerResponse out) {
        out.setStatusCode(up.statusCode());
        up.headers().forEach((name, value) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase())) {
                out.headers().add(name, value);
            }
        });
        if (up.getHeader("content-length") == null) {
            out.setChunked(true);
        }
        up.handler(chunk -> {
            out.write(chunk);
            if (out.writeQueueFull()) {
                up.pause();
                out.drainHandler(v -> up.resume());
            }
        });
        up.endHandler(v -> out.end());
        up.exceptionHandler(t -> out.reset());
    }
}
