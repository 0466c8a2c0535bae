package dev.fairway.realtime;

import static java.util.Objects.requireNonNull;

import dev.fairway.cost.PriceTable;
import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.http.Headers;
import dev.fairway.pipeline.Completion;
import dev.fairway.pipeline.Decision;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.Gateway;
import dev.fairway.pipeline.GatewayRequest;
import dev.fairway.pipeline.Stage;
import dev.fairway.plan.PlannedTarget;
import dev.fairway.provider.WireFormat;
import dev.fairway.usage.UsageMetering;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Realtime sessions through the gateway (OpenAI's Realtime API): a WebSocket upgrade is decided like
 * any request ({@link RealtimeRequest}: route, authentication, policy, request quotas, the
 * credential to use), and refused with the usual JSON error and status before anything is
 * upgraded; an allowed one opens the provider's socket first ({@link UpstreamSocket}), and only
 * then the client's, and the two are relayed as one {@link RealtimeSession}.
 */
public final class RealtimeGateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RealtimeGateway.class);
    /** Time allowed for the provider's handshake once connected. */
    private static final long HANDSHAKE_TIMEOUT_MS = 30_000;
    /** Loopback connections the WebSockets API's requests share. */
    private static final int MAX_LOOPBACK = 64;

    private final Gateway gateway;
    private final WebSocketClient client;
    private final PriceTable prices;
    private final long connectTimeoutMs;
    private final HttpClient loopback;
    private final IntSupplier ownPort;

    /**
     * @param ownPort the standalone listener's port: Cloudflare WebSockets API requests are sent there
     */
    public RealtimeGateway(Vertx vertx, Gateway gateway, IntSupplier ownPort) {
        this.gateway = requireNonNull(gateway, "gateway");
        this.ownPort = requireNonNull(ownPort, "ownPort");
        this.loopback = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(MAX_LOOPBACK));
        this.client = requireNonNull(vertx, "vertx").createWebSocketClient(new WebSocketClientOptions()
                .setMaxFrameSize(1024 * 1024)
                .setMaxMessageSize(16 * 1024 * 1024)
                .setConnectTimeout(gateway.config().dispatch().connectTimeoutMs()));
        this.prices = prices(gateway);
        this.connectTimeoutMs = gateway.config().dispatch().connectTimeoutMs();
    }

    /** Whether {@code request} asks to open a WebSocket (sessions are HTTP/1.1 upgrades). */
    public static boolean isUpgrade(HttpServerRequest request) {
        return request.canUpgradeToWebSocket();
    }

    /**
     * The standalone gateway's upgrade: decided here, then answered or upgraded.
     *
     * @param answer how the server writes the gateway's own answers (a refusal before the upgrade)
     */
    public void upgrade(HttpServerRequest request, Consumer<Decision.Answer> answer) {
        Context context = Vertx.currentContext();
        request.pause();
        Headers headers = headers(request);
        GatewayRequest decided = RealtimeRequest.forDecision(request.uri(), headers, null, gateway.registry());
        if (gateway.isRouteRoot(request.uri(), headers.get("cf-aig-gateway-id"))) {
            openUniversal(request, decided, answer);
            return;
        }
        gateway.decide(decided).whenComplete((decision, t) -> context.runOnContext(v -> {
            if (t != null) {
                LOG.error("realtime upgrade failed while deciding", t);
                answer.accept(Decision.Answer.loggedError(GatewayError.of(ErrorType.INTERNAL, "the gateway failed to process the request")));
            } else if (decision instanceof Decision.Answer a) {
                answer.accept(a);
            } else if (decision instanceof Decision.Forward f) {
                open(request, f.exchange(), headers, answer);
            }
        }));
    }

    /**
     * Cloudflare's WebSockets API at a route root: the client is authenticated before the upgrade;
     * each request it sends is then decided in full ({@link UniversalSocket}).
     */
    private void openUniversal(HttpServerRequest request, GatewayRequest decided, Consumer<Decision.Answer> answer) {
        Decision.Answer refused = gateway.refuseConnection(decided);
        if (refused != null) {
            answer.accept(refused);
            return;
        }
        Headers gatewayHeaders = new Headers();
        decided.headers().forEach((n, v) -> {
            if (n.toLowerCase(java.util.Locale.ROOT).startsWith("cf-aig-")) {
                gatewayHeaders.add(n, v);
            }
        });
        String root = request.path();
        request.toWebSocket().onSuccess(ws -> new UniversalSocket(ws, loopback, ownPort.getAsInt(), root, gatewayHeaders).start());
    }

    /**
     * The dispatcher endpoint's upgrade: a host decided the session (its ticket names the exchange)
     * and forwards the client's upgrade here.
     */
    public void upgradeTicketed(HttpServerRequest request, Exchange exchange, Consumer<Decision.Answer> answer) {
        request.pause();
        open(request, exchange, headers(request), answer);
    }

    private void open(HttpServerRequest request, Exchange exchange, Headers headers, Consumer<Decision.Answer> answer) {
        GatewayError wrong = unsuitable(exchange);
        if (wrong != null) {
            refuse(exchange, wrong, answer);
            return;
        }
        UpstreamSocket.connect(client, exchange, headers, Math.max(connectTimeoutMs, HANDSHAKE_TIMEOUT_MS)).onComplete(ar -> {
            if (ar.failed()) {
                refuse(exchange, ar.cause() instanceof GatewayError e ? e
                        : GatewayError.of(ErrorType.UPSTREAM_UNAVAILABLE, "the provider could not be reached"), answer);
                return;
            }
            // The provider speaks first (session.created): held until the client's side is there to take it.
            ar.result().pause();
            if (request.response().closed()) {
                ar.result().close();
                exchange.complete(Completion.clientClosed(exchange.elapsedNanos()));
                return;
            }
            exchange.responseHeaders().forEach((n, v) -> request.response().headers().add(n, v));
            request.toWebSocket().onComplete(ws -> {
                if (ws.failed()) {
                    ar.result().close();
                    exchange.complete(Completion.clientClosed(exchange.elapsedNanos()));
                    return;
                }
                new RealtimeSession(exchange, ws.result(), ar.result(), Vertx.currentContext(), prices).start();
            });
        });
    }

    /**
     * Why the planned target cannot hold a session, or null: only OpenAI-format Realtime endpoints
     * do, and a route whose guardrails read requests cannot see into a session's events.
     */
    private static GatewayError unsuitable(Exchange exchange) {
        PlannedTarget first = exchange.plan().first();
        if (first.target().provider().format() != WireFormat.OPENAI || !first.target().apiPath().endsWith(RealtimeRequest.REALTIME)) {
            return GatewayError.of(ErrorType.NOT_FOUND, "/%s does not accept WebSocket sessions (expected: an OpenAI-compatible "
                    + "provider's realtime endpoint, such as /openai/v1/realtime?model=...)", exchange.match().rest())
                    .with("path", "/" + exchange.match().rest());
        }
        if (first.model() == null) {
            return GatewayError.invalidField("model", "model: the realtime session names no model (expected: ?model=... in the URL)");
        }
        if (!exchange.route().guardrails().isEmpty()) {
            return GatewayError.of(ErrorType.FORBIDDEN, "route %s has guardrails, which cannot read a realtime session's events: "
                    + "sessions are refused on it", exchange.route().name()).with("route", exchange.route().name());
        }
        return null;
    }

    /** The client is answered before anything was upgraded; the exchange ends with that answer. */
    private static void refuse(Exchange exchange, GatewayError error, Consumer<Decision.Answer> answer) {
        Decision.Answer a = Decision.Answer.error(error).in(exchange.route().errors());
        a.headers().setAll(exchange.responseHeaders());
        exchange.complete(Completion.answered(a.status(), false, exchange.elapsedNanos(), a.body().length, a.errorType()));
        answer.accept(a);
    }

    private static Headers headers(HttpServerRequest request) {
        Headers h = new Headers();
        request.headers().forEach(e -> h.add(e.getKey(), e.getValue()));
        return h;
    }

    private static PriceTable prices(Gateway gateway) {
        for (Stage s : gateway.stages()) {
            if (s instanceof UsageMetering m) {
                return m.prices();
            }
        }
        return PriceTable.shippedOnly();
    }

    @Override
    public void close() {
        client.close();
        loopback.close();
    }
}
