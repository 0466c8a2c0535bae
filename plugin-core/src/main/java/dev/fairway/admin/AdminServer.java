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
import java.util.concurrent.CopyOnWriteArrayList;
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

    private final AnalyticsStage analytics;
    private final AdminAuth auth;
    private final AdminCalls calls;
    private final Readiness readiness;
    private final dev.fairway.logstore.LogsApi logs;
    private final Dashboard dashboard = Dashboard.load();
    private final HttpServer server;
    /** The data APIs ({@code /logs}, {@code /prompts}, then {@code /flows} once the process wires it). */
    private final List<AdminApi> apis = new CopyOnWriteArrayList<>();

    private AdminServer(Vertx vertx, AnalyticsStage analytics, AdminAuth auth, Readiness readiness, PromptAdmin prompts,
                        dev.fairway.logstore.LogStoreStage logStore) {
        this.analytics = analytics;
        this.auth = auth;
        this.calls = new AdminCalls(vertx, auth);
        this.readiness = readiness;
        this.logs = logStore == null ? null : new dev.fairway.logstore.LogsApi(logStore);
        if (logs != null) {
            apis.add(new LogsRoutes(logs));
        }
        if (prompts != null) {
            apis.add(AdminApi.prompts(prompts));
        }
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
        for (AdminApi api : apis) {
            if (api.serves(path)) {
                calls.serve(request, api);
                return;
            }
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
            case "/metrics" -> calls.guarded(request, () -> {
                response.putHeader("content-type", dev.fairway.metrics.MetricsRegistry.contentType());
                return analytics.metrics().scrape().getBytes(StandardCharsets.UTF_8);
            });
            case "/analytics" -> calls.guarded(request, () -> {
                response.putHeader("content-type", "application/json");
                Map<String, List<String>> params = AdminCalls.params(request);
                return logs != null ? logs.analytics(analytics, params) : analytics.query(params);
            });
            default -> error(response, GatewayError.of(ErrorType.NOT_FOUND, "%s (expected: /metrics, /analytics, /healthz, /readyz or /dashboard)", path));
        }
    }

    /** Serves the routing flows' admin API ({@code /flows/...}) from now on. */
    public void serveFlows(dev.fairway.flow.FlowAdmin flows) {
        apis.add(AdminApi.flows(flows));
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

    private static void error(HttpServerResponse response, GatewayError e) {
        AdminCalls.error(response, e);
    }

    private static void json(HttpServerResponse response, int status, byte[] body) {
        AdminCalls.json(response, status, body);
    }

    @Override
    public void close() {
        server.close().toCompletionStage().toCompletableFuture().join();
    }
}
