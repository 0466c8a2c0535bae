package dev.fairway.server;

import static java.util.Objects.requireNonNull;

import dev.fairway.config.ListenerLimits;
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
import dev.fairway.realtime.RealtimeGateway;
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
    private final ConnectionGuard guard;
    private final BodyBudget bodies;
    private final RealtimeGateway realtime;

    private GatewayServer(Vertx vertx, Gateway gateway, Dispatcher dispatcher, Mode mode) {
        this.gateway = requireNonNull(gateway, "gateway");
        this.dispatcher = requireNonNull(dispatcher, "dispatcher");
        this.mode = requireNonNull(mode, "mode");
        ListenerLimits limits = gateway.config().server().limits();
        // The dispatcher endpoint serves the local host adapter's pooled connections: no client limits there.
        this.guard = mode == Mode.STANDALONE ? new ConnectionGuard(vertx, limits) : null;
        this.bodies = new BodyBudget(gateway.config().server().inflightBodyBudget());
        this.realtime = new RealtimeGateway(vertx, gateway, this::port);
        this.server = vertx.createHttpServer(new HttpServerOptions()
                .setTcpNoDelay(true)
                .setCompressionSupported(false)
                .setMaxHeaderSize(64 * 1024)
                // h2c on the gateway port only when configured; the dispatcher keeps serving host adapters as before.
                .setHttp2ClearTextEnabled(mode == Mode.STANDALONE ? limits.h2c() : HttpServerOptions.DEFAULT_HTTP2_CLEAR_TEXT_ENABLED)
                .setIdleTimeout(0)
                // Browsers name the Realtime API's protocol beside their credentials (RealtimeRequest).
                .setWebSocketSubProtocols(java.util.List.of("realtime")))
                .requestHandler(this::handle);
        if (guard != null) {
            server.connectionHandler(guard::accept);
        }
    }

    /** Binds and returns the started server; port 0 picks a free port. */
    public static Future<GatewayServer> start(Vertx vertx, Gateway gateway, Dispatcher dispatcher, Mode mode, String host, int port) {
        GatewayServer s = new GatewayServer(vertx, gateway, dispatcher, mode);
        return s.server.listen(port, host).map(bound -> {
            LOG.info("{} listening on {}:{} ({})", mode == Mode.STANDALONE ? "gateway" : "dispatcher", host, bound.actualPort(),
                    transport(vertx));
            return s;
        });
    }

    /** Which socket transport serves: Linux's native epoll where the platform has it, else Java's NIO (and why). */
    static String transport(Vertx vertx) {
        if (vertx.isNativeTransportEnabled()) {
            return "native transport";
        }
        Throwable why = vertx.unavailableNativeTransportCause();
        return "NIO transport" + (why == null ? "" : ", native unavailable: " + why.getMessage());
    }

    public int port() {
        return server.actualPort();
    }

    /** Request-body bytes this listener holds now, out of {@code server.max_inflight_body_bytes}. */
    public long bodyBytesInFlight() {
        return bodies.reserved();
    }

    private void handle(HttpServerRequest request) {
        if (mode == Mode.DISPATCHER) {
            handleTicketed(request);
            return;
        }
        if (RealtimeGateway.isUpgrade(request)) {
            realtime.upgrade(request, a -> Responses.answer(request.response(), a));
            return;
        }
        AnswerEnd answerEnd = AnswerEnd.of(request.response());
        guard.requestStarted(request, answerEnd);
        long limit = gateway.bodyLimit(request.uri(), request.getHeader("cf-aig-gateway-id"));
        Context context = Vertx.currentContext();
        request.pause();
        if (limit < 0) {
            // No route serves the path: its 404 needs no body, so none is read.
            request.handler(chunk -> {});
        }
        Future<byte[]> read = limit < 0 ? Future.succeededFuture(new byte[0]) : BodyReader.read(request, limit, bodies, answerEnd);
        long bodyTimeoutMs = gateway.config().server().limits().bodyTimeoutMs();
        guard.watchBody(request, read, () -> Responses.error(request, ConnectionGuard.bodyTimeout(bodyTimeoutMs)));
        read.onComplete(ar -> {
            if (ar.failed()) {
                failedBody(request, ar.cause());
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
                        f.exchange().complete(Completion.clientClosed(f.exchange().elapsedNanos()));
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
        if (RealtimeGateway.isUpgrade(request)) {
            realtime.upgradeTicketed(request, exchange, a -> Responses.answer(request.response(), a));
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

    /** A body that could not be read: too large, or framing the HTTP decoder refused (a broken chunk). */
    private static void failedBody(HttpServerRequest request, Throwable cause) {
        if (cause instanceof GatewayError e) {
            Responses.error(request, e);
            return;
        }
        // The client's bytes are at fault, not the gateway: not worth an ERROR with a stack trace.
        LOG.debug("malformed request body from {}: {}", request.remoteAddress(), cause.toString());
        Responses.error(request, GatewayError.of(ErrorType.INVALID_REQUEST,
                "request body: malformed HTTP framing (expected: a valid chunked encoding or a body of content-length bytes)")
                .with("field", "body"));
    }

    private static void fail(HttpServerRequest request, Throwable t) {
        Throwable cause = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
        if (cause instanceof GatewayError e) {
            Responses.error(request, e);
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
        realtime.close();
    }
}
