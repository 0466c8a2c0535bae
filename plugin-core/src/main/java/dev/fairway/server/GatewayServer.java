package dev.fairway.server;

import static java.util.Objects.requireNonNull;

import dev.fairway.dispatch.Dispatcher;
import dev.fairway.dispatch.TicketBook;
import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.http.Headers;
import dev.fairway.pipeline.Completion;
import dev.fairway.pipeline.Decision;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.Gateway;
import dev.fairway.pipeline.GatewayRequest;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP front of a Fairway process, in one of two modes. {@link Mode#STANDALONE} is the gateway
 * itself: steps 1-5 inline, then the dispatcher. {@link Mode#DISPATCHER} is the loopback endpoint
 * host adapters forward to: it serves only requests carrying a live one-time ticket.
 */
public final class GatewayServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);

    public enum Mode { STANDALONE, DISPATCHER }

    private final Gateway gateway;
    private final Dispatcher dispatcher;
    private final Mode mode;
    private final HttpServer server;

    private GatewayServer(Vertx vertx, Gateway gateway, Dispatcher dispatcher, Mode mode) {
        this.gateway = requireNonNull(gateway, "gateway");
        this.dispatcher = requireNonNull(dispatcher, "dispatcher");
        this.mode = requireNonNull(mode, "mode");
        this.server = vertx.createHttpServer(new HttpServerOptions()
                .setTcpNoDelay(true)
                .setCompressionSupported(false)
                .setMaxHeaderSize(64 * 1024)
                .setIdleTimeout(0))
                .requestHandler(this::handle);
    }

    /** Binds and returns the started server; port 0 picks a free port. */
    public static Future<GatewayServer> start(Vertx vertx, Gateway gateway, Dispatcher dispatcher, Mode mode, String host, int port) {
        GatewayServer s = new GatewayServer(vertx, gateway, dispatcher, mode);
        return s.server.listen(port, host).map(bound -> {
            LOG.info("{} listening on {}:{}", mode == Mode.STANDALONE ? "gateway" : "dispatcher", host, bound.actualPort());
            return s;
        });
    }

    public int port() {
        return server.actualPort();
    }

    private void handle(HttpServerRequest request) {
        if (mode == Mode.DISPATCHER) {
            handleTicketed(request);
            return;
        }
        long limit = gateway.config().routes().stream().mapToLong(r -> r.maxBodyBytes()).max().orElse(Long.MAX_VALUE);
        Context context = Vertx.currentContext();
        request.pause();
        BodyReader.read(request, limit).onComplete(ar -> {
            if (ar.failed()) {
                fail(request, ar.cause());
                return;
            }
            GatewayRequest req = new GatewayRequest(request.method().name(), request.uri(), headers(request), ar.result(), null);
            gateway.decide(req).whenComplete((decision, t) -> context.runOnContext(x -> {
                if (t != null) {
                    fail(request, t);
                } else if (decision instanceof Decision.Answer a) {
                    Responses.answer(request.response(), a);
                } else if (decision instanceof Decision.Forward f) {
                    if (request.response().closed()) {
                        // The client left while a stage was deciding (a single-flight wait, a remote quota): call nobody.
                        f.exchange().complete(new Completion(499, false, false, 0, 0, -1, f.exchange().elapsedNanos(), 0,
                                null, null, "client_closed"));
                    } else {
                        dispatcher.relay(f.exchange(), request.response());
                    }
                }
            }));
        });
        request.resume();
    }

    private void handleTicketed(HttpServerRequest request) {
        String ticket = request.getHeader(TicketBook.HEADER);
        boolean loopback = request.remoteAddress() != null && isLoopback(request.remoteAddress().hostAddress());
        Exchange exchange = loopback ? dispatcher.tickets().redeem(ticket) : null;
        if (exchange == null) {
            // Same answer for a missing, spent or foreign ticket: nothing to learn from probing.
            Responses.error(request.response(), GatewayError.of(ErrorType.FORBIDDEN, "the dispatcher serves ticketed requests from the local host adapter only"));
            return;
        }
        // nginx-based hosts (Kong, APISIX) buffer proxied answers unless told not to; the header is
        // for them and they do not pass it on, so streams stay streams without operator set-up.
        request.response().putHeader("x-accel-buffering", "no");
        // The exchange already holds the body; what the host forwards again is drained, not used.
        request.handler(chunk -> {});
        request.endHandler(v -> dispatcher.relay(exchange, request.response()));
    }

    private static boolean isLoopback(String address) {
        return address.startsWith("127.") || address.equals("0:0:0:0:0:0:0:1") || address.equals("::1");
    }

    private static Headers headers(HttpServerRequest request) {
        Headers h = new Headers();
        request.headers().forEach(e -> h.add(e.getKey(), e.getValue()));
        return h;
    }

    private static void fail(HttpServerRequest request, Throwable t) {
        Throwable cause = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
        if (cause instanceof GatewayError e) {
            Responses.error(request.response(), e);
        } else {
            LOG.error("request failed", cause);
            Responses.error(request.response(), GatewayError.of(ErrorType.INTERNAL, "the gateway failed to process the request"));
        }
    }

    /**
     * Stops taking connections and lets the open ones finish: each HTTP/1.1 connection closes after
     * its current request (a stream runs to its end), HTTP/2 ones get GOAWAY. Whatever is still open
     * after {@code timeout} is closed. Completes when every connection is gone.
     */
    public Future<Void> shutdown(java.time.Duration timeout) {
        return server.shutdown(requireNonNull(timeout, "timeout"));
    }

    @Override
    public void close() {
        server.close().toCompletionStage().toCompletableFuture().join();
    }
}
