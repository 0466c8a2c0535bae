package dev.fairway.admin;

import static java.util.Objects.requireNonNull;

import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every data endpoint of the admin listener does around its own logic: the admin token first,
 * then (for an {@link AdminApi}) a bounded body, then the work off the event loop, and the answer or
 * error as JSON. A request refused before its body is read closes its connection once answered, so
 * that an unauthenticated or oversized body is never read.
 */
final class AdminCalls {
    private static final Logger LOG = LoggerFactory.getLogger(AdminCalls.class);

    private final Vertx vertx;
    private final AdminAuth auth;

    AdminCalls(Vertx vertx, AdminAuth auth) {
        this.vertx = requireNonNull(vertx, "vertx");
        this.auth = requireNonNull(auth, "auth");
    }

    /** The token, a body of at most {@code api.maxBodyBytes()}, then {@code api} off the event loop. */
    void serve(HttpServerRequest request, AdminApi api) {
        if (!authorised(request)) {
            return;
        }
        HttpServerResponse response = request.response();
        int max = api.maxBodyBytes();
        String length = request.getHeader("content-length");
        if (length != null && (length.isEmpty() || length.length() > 10 || !length.chars().allMatch(Character::isDigit)
                || Long.parseLong(length) > max)) {
            refuseUnread(request, tooLarge(length, max));
            return;
        }
        Buffer body = Buffer.buffer();
        request.handler(chunk -> {
            if (response.ended()) {
                return;
            }
            if (body.length() + chunk.length() > max) {
                refuseUnread(request, tooLarge(String.valueOf(body.length() + chunk.length()), max));
                return;
            }
            body.appendBuffer(chunk);
        });
        request.exceptionHandler(t -> error(response, GatewayError.of(ErrorType.INVALID_REQUEST, "body: could not be read")
                .with("field", "body")));
        request.endHandler(v -> {
            if (response.ended()) {
                return;
            }
            AdminApi.Call call = new AdminApi.Call(request.method().name(), request.path(), params(request), body.getBytes());
            response.putHeader("cache-control", "no-store");
            vertx.executeBlocking(() -> api.handle(call), false).onComplete(ar -> {
                if (ar.succeeded()) {
                    json(response, ar.result().status(), ar.result().body());
                } else {
                    failed(request, ar.cause());
                }
            });
        });
    }

    /** The token, then {@code body} off the event loop, answered 200 (a week of rollups takes a while to add up). */
    void guarded(HttpServerRequest request, Supplier<byte[]> body) {
        if (!authorised(request)) {
            return;
        }
        HttpServerResponse response = request.response();
        response.putHeader("cache-control", "no-store");
        vertx.executeBlocking(body::get, false).onComplete(ar -> {
            if (ar.succeeded()) {
                response.end(Buffer.buffer(ar.result()));
            } else {
                failed(request, ar.cause());
            }
        });
    }

    /** Whether the request carries the admin token (or needs none); if not, it is answered 401 unread. */
    private boolean authorised(HttpServerRequest request) {
        AdminAuth.AuthDecision decision = auth.check(request.getHeader("authorization"));
        if (decision.allowed()) {
            return true;
        }
        request.response().putHeader("www-authenticate", "Bearer realm=\"fairway-admin\"");
        refuseUnread(request, GatewayError.of(ErrorType.UNAUTHORIZED, decision.reason()).with("header", "authorization"));
        return false;
    }

    /**
     * Answers {@code e}; an HTTP/1.1 body still on its way is not read: the connection closes after
     * the answer. (On HTTP/2 the stream's flow-control window bounds what a client can send unread.)
     */
    private static void refuseUnread(HttpServerRequest request, GatewayError e) {
        HttpServerResponse response = request.response();
        String length = request.getHeader("content-length");
        boolean bodyComing = !request.isEnded()
                && (request.getHeader("transfer-encoding") != null || length != null && !length.equals("0"));
        if (!bodyComing || request.version() == HttpVersion.HTTP_2) {
            error(response, e);
            return;
        }
        response.putHeader("connection", "close");
        json(response, e.status(), e.toJson()).onComplete(done -> request.connection().close());
    }

    private static void failed(HttpServerRequest request, Throwable cause) {
        if (cause instanceof GatewayError e) {
            if (e.details().get("allow") instanceof String allow) {
                request.response().putHeader("allow", allow);
            }
            error(request.response(), e);
        } else {
            LOG.error("admin request {} failed", request.path(), cause);
            error(request.response(), GatewayError.of(ErrorType.INTERNAL, "the admin endpoint failed"));
        }
    }

    private static GatewayError tooLarge(String length, int max) {
        return GatewayError.of(ErrorType.PAYLOAD_TOO_LARGE, "body: %s bytes (expected: at most %d)", length, max).with("field", "body");
    }

    static Map<String, List<String>> params(HttpServerRequest request) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        request.params().forEach(e -> out.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
        return out;
    }

    static void error(HttpServerResponse response, GatewayError e) {
        json(response, e.status(), e.toJson());
    }

    /** Ends the response with {@code body}; the end's future (already complete when the response was over). */
    static Future<Void> json(HttpServerResponse response, int status, byte[] body) {
        if (response.ended() || response.closed()) {
            return Future.succeededFuture();
        }
        response.setStatusCode(status);
        response.putHeader("content-type", "application/json");
        return response.end(Buffer.buffer(body));
    }
}
