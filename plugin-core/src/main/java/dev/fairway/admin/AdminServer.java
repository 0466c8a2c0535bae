package dev.fairway.admin;

import static java.util.Objects.requireNonNull;

import dev.fairway.analytics.AnalyticsStage;
import dev.fairway.prompt.PromptAdmin;
import dev.fairway.config.Secret;
import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin listener: {@code /metrics} (Prometheus), {@code /analytics} (JSON), {@code /healthz},
 * {@code /readyz}
 * and the {@code /dashboard} page. Data endpoints require the admin token unless the listener is
 * loopback-only ({@link AdminAuth}); the page and its assets hold no data and are served to anyone
 * who can connect, so that it can ask for the token.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
    private static final com.fasterxml.jackson.databind.json.JsonMapper JSON = new com.fasterxml.jackson.databind.json.JsonMapper();

    private final Vertx vertx;
    private final AnalyticsStage analytics;
    private final AdminAuth auth;
    private final Readiness readiness;
    private final dev.fairway.logstore.LogsApi logs;
    private final Dashboard dashboard = Dashboard.load();
    private final HttpServer server;
    /** The routing flows' admin API, once the process wires it; null serves none. */
    private volatile dev.fairway.flow.FlowAdmin flows;
    /** The prompt repository's endpoints, or null when the process has none. */
    private final PromptAdmin prompts;

    private AdminServer(Vertx vertx, AnalyticsStage analytics, AdminAuth auth, Readiness readiness, PromptAdmin prompts,
                        dev.fairway.logstore.LogStoreStage logStore) {
        this.prompts = prompts;
        this.vertx = vertx;
        this.analytics = analytics;
        this.auth = auth;
        this.readiness = readiness;
        this.logs = logStore == null ? null : new dev.fairway.logstore.LogsApi(logStore);
        this.server = vertx.createHttpServer(new HttpServerOptions().setCompressionSupported(true).setIdleTimeout(60))
                .requestHandler(this::handle);
    }

    /**
     * Binds the admin listener; port 0 picks a free port.
     *
     * @throws dev.fairway.config.ConfigException naming {@code server.admin_token} when {@code host} is
     *     not loopback and {@code token} is null
     */
    public static Future<AdminServer> start(Vertx vertx, AnalyticsStage analytics, String host, int port, Secret token) {
        return start(vertx, analytics, host, port, token, new Readiness());
    }

    /** As {@link #start(Vertx, AnalyticsStage, String, int, Secret)}, with the checks {@code /readyz} runs. */
    public static Future<AdminServer> start(Vertx vertx, AnalyticsStage analytics, String host, int port, Secret token,
                                            Readiness readiness) {
        return start(vertx, analytics, host, port, token, readiness, null, null);
    }

    /** As above, serving {@code /prompts} and the Logs API ({@code /logs}, from the log store) too (null: not). */
    public static Future<AdminServer> start(Vertx vertx, AnalyticsStage analytics, String host, int port, Secret token,
                                            Readiness readiness, PromptAdmin prompts, dev.fairway.logstore.LogStoreStage logStore) {
        requireNonNull(vertx, "vertx");
        requireNonNull(analytics, "analytics");
        requireNonNull(host, "host");
        requireNonNull(readiness, "readiness");
        AdminServer s = new AdminServer(vertx, analytics, AdminAuth.forListener(host, token), readiness, prompts, logStore);
        return s.server.listen(port, host).map(bound -> {
            LOG.info("admin listening on {}:{} ({})", host, bound.actualPort(),
                    s.auth.required() ? "admin token required" : "loopback only, no token");
            return s;
        });
    }

    public int port() {
        return server.actualPort();
    }

    private void handle(HttpServerRequest request) {
        HttpServerResponse response = request.response();
        response.putHeader("x-content-type-options", "nosniff");
        response.putHeader("referrer-policy", "no-referrer");
        String path = request.path();
        if (!auth.hostAllowed(request.authority() == null ? null : request.authority().host())) {
            error(response, GatewayError.of(ErrorType.FORBIDDEN,
                    "Host: not a name of this admin listener (expected: localhost, a loopback address or server.admin_host)")
                    .with("header", "host"));
            return;
        }
        if (logs != null && (path.equals("/logs") || path.startsWith("/logs/"))) {
            LogsRoutes.handle(request, logs, this::guarded, AdminServer::error);
            return;
        }
        if (flows != null && dev.fairway.flow.FlowAdmin.serves(path)) {
            flows(request);
            return;
        }
        if (prompts != null && PromptAdmin.handles(path)) {
            prompts(request);
            return;
        }
        if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
            response.putHeader("allow", "GET, HEAD");
            error(response, GatewayError.of(ErrorType.METHOD_NOT_ALLOWED, "%s %s (expected: GET)", request.method(), path));
            return;
        }
        Dashboard.Asset asset = dashboard.asset(path);
        if (asset != null) {
            response.putHeader("content-type", asset.contentType());
            response.putHeader("cache-control", "no-cache");
            response.putHeader("content-security-policy", Dashboard.CSP);
            response.end(Buffer.buffer(asset.bytes()));
            return;
        }
        switch (path) {
            case "/healthz" -> json(response, 200, "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8));
            case "/readyz" -> readiness.evaluate().thenAccept(report -> {
                response.putHeader("cache-control", "no-store");
                json(response, report.ready() ? 200 : 503, readyBody(report));
            });
            case "/metrics" -> guarded(request, () -> {
                response.putHeader("content-type", dev.fairway.metrics.MetricsRegistry.contentType());
                return analytics.metrics().scrape().getBytes(StandardCharsets.UTF_8);
            });
            case "/analytics" -> guarded(request, () -> {
                response.putHeader("content-type", "application/json");
                return logs != null ? logs.analytics(analytics, params(request)) : analytics.query(params(request));
            });
            default -> error(response, GatewayError.of(ErrorType.NOT_FOUND, "%s (expected: /metrics, /analytics, /healthz, /readyz or /dashboard)", path));
        }
    }

    /** Serves the routing flows' admin API ({@code /flows/...}) from now on. */
    public void serveFlows(dev.fairway.flow.FlowAdmin flows) {
        this.flows = requireNonNull(flows, "flows");
    }

    /** {@code /flows/...}: the token, a bounded body, then the flow admin API off the event loop. */
    private void flows(HttpServerRequest request) {
        HttpServerResponse response = request.response();
        AdminAuth.AuthDecision decision = auth.check(request.getHeader("authorization"));
        if (!decision.allowed()) {
            response.putHeader("www-authenticate", "Bearer realm=\"fairway-admin\"");
            error(response, GatewayError.of(ErrorType.UNAUTHORIZED, decision.reason()).with("header", "authorization"));
            return;
        }
        String length = request.getHeader("content-length");
        if (length != null && (!length.chars().allMatch(Character::isDigit) || length.length() > 9
                || Long.parseLong(length) > dev.fairway.flow.FlowAdmin.MAX_BODY_BYTES)) {
            error(response, GatewayError.of(ErrorType.PAYLOAD_TOO_LARGE, "request body: %s bytes (expected: at most %d)", length,
                    dev.fairway.flow.FlowAdmin.MAX_BODY_BYTES));
            return;
        }
        response.putHeader("cache-control", "no-store");
        dev.fairway.flow.FlowAdmin handler = flows;
        request.body().onComplete(body -> {
            if (body.failed() || body.result().length() > dev.fairway.flow.FlowAdmin.MAX_BODY_BYTES) {
                error(response, GatewayError.of(ErrorType.INVALID_REQUEST, "request body: unreadable or over %d bytes", dev.fairway.flow.FlowAdmin.MAX_BODY_BYTES));
                return;
            }
            byte[] bytes = body.result().getBytes();
            vertx.executeBlocking(() -> handler.handle(request.method().name(), request.path(), bytes), false).onComplete(ar -> {
                if (ar.succeeded()) {
                    json(response, ar.result().status(), ar.result().body());
                } else {
                    LOG.error("admin request {} failed", request.path(), ar.cause());
                    error(response, GatewayError.of(ErrorType.INTERNAL, "the admin endpoint failed"));
                }
            });
        });
    }

    /** The prompt repository's endpoints, behind the admin token like every data endpoint. */
    private void prompts(HttpServerRequest request) {
        AdminAuth.AuthDecision decision = auth.check(request.getHeader("authorization"));
        if (!decision.allowed()) {
            request.response().putHeader("www-authenticate", "Bearer realm=\"fairway-admin\"");
            error(request.response(), GatewayError.of(ErrorType.UNAUTHORIZED, decision.reason()).with("header", "authorization"));
            return;
        }
        Buffer body = Buffer.buffer();
        request.handler(chunk -> {
            if (body.length() + chunk.length() > PromptAdmin.MAX_BODY_BYTES) {
                error(request.response(), GatewayError.of(ErrorType.PAYLOAD_TOO_LARGE, "body: over %d bytes", PromptAdmin.MAX_BODY_BYTES));
                request.connection().close();
                return;
            }
            body.appendBuffer(chunk);
        });
        request.exceptionHandler(t -> error(request.response(), GatewayError.of(ErrorType.INVALID_REQUEST, "the request body could not be read")));
        request.endHandler(v -> {
            if (request.response().ended()) {
                return;
            }
            try {
                PromptAdmin.Reply reply = prompts.handle(request.method().name(), request.path(), body.getBytes());
                request.response().putHeader("cache-control", "no-store");
                json(request.response(), reply.status(), reply.body());
            } catch (GatewayError e) {
                error(request.response(), e);
            }
        });
    }

    /** Checks the token, then builds the body off the event loop: a week of rollups takes a while to add up. */
    void guarded(HttpServerRequest request, Supplier<byte[]> body) {
        HttpServerResponse response = request.response();
        AdminAuth.AuthDecision decision = auth.check(request.getHeader("authorization"));
        if (!decision.allowed()) {
            response.putHeader("www-authenticate", "Bearer realm=\"fairway-admin\"");
            error(response, GatewayError.of(ErrorType.UNAUTHORIZED, decision.reason()).with("header", "authorization"));
            return;
        }
        response.putHeader("cache-control", "no-store");
        vertx.executeBlocking(body::get, false).onComplete(ar -> {
            if (ar.succeeded()) {
                response.end(Buffer.buffer(ar.result()));
            } else if (ar.cause() instanceof GatewayError e) {
                error(response, e);
            } else {
                LOG.error("admin request {} failed", request.path(), ar.cause());
                error(response, GatewayError.of(ErrorType.INTERNAL, "the admin endpoint failed"));
            }
        });
    }

    /** {@code {"status":"ready"|"not_ready","checks":{"name":"ok"|reason}}}. */
    private static byte[] readyBody(Readiness.Report report) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", report.ready() ? "ready" : "not_ready");
        body.put("checks", report.checks());
        try {
            return JSON.writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a map of strings always serialises", e);
        }
    }

    static Map<String, List<String>> params(HttpServerRequest request) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        request.params().forEach(e -> out.computeIfAbsent(e.getKey(), k -> new java.util.ArrayList<>()).add(e.getValue()));
        return out;
    }

    static void error(HttpServerResponse response, GatewayError e) {
        json(response, e.status(), e.toJson());
    }

    private static void json(HttpServerResponse response, int status, byte[] body) {
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(status);
        response.putHeader("content-type", "application/json");
        response.end(Buffer.buffer(body));
    }

    @Override
    public void close() {
        server.close().toCompletionStage().toCompletableFuture().join();
    }
}
