package dev.fairway.admin;

import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.logstore.LogsApi;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * {@code GET /logs}, {@code DELETE /logs?<filters>}, {@code GET /logs/{id}} and {@code PATCH /logs/{id}}
 * on the admin listener: same token as the other data endpoints, work off the event loop.
 */
final class LogsRoutes {
    static final int MAX_PATCH_BYTES = 64 * 1024;

    private LogsRoutes() {}

    interface Guard {
        void run(HttpServerRequest request, Supplier<byte[]> body);
    }

    static void handle(HttpServerRequest request, LogsApi logs, Guard guarded, BiConsumer<HttpServerResponse, GatewayError> error) {
        HttpServerResponse response = request.response();
        response.putHeader("content-type", "application/json");
        String path = request.path();
        HttpMethod method = request.method();
        if (path.equals("/logs") || path.equals("/logs/")) {
            if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
                guarded.run(request, () -> logs.list(AdminServer.params(request)));
            } else if (method == HttpMethod.DELETE) {
                guarded.run(request, () -> logs.delete(AdminServer.params(request)));
            } else {
                response.putHeader("allow", "GET, HEAD, DELETE");
                error.accept(response, GatewayError.of(ErrorType.METHOD_NOT_ALLOWED, "%s /logs (expected: GET or DELETE)", method));
            }
            return;
        }
        String id = URLDecoder.decode(path.substring("/logs/".length()), StandardCharsets.UTF_8);
        if (id.isEmpty() || id.contains("/")) {
            error.accept(response, GatewayError.of(ErrorType.NOT_FOUND, "%s (expected: /logs/<log id>)", path));
            return;
        }
        if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
            guarded.run(request, () -> logs.get(id));
        } else if (method == HttpMethod.PATCH) {
            long declared = request.getHeader("content-length") == null ? 0 : parseLength(request.getHeader("content-length"));
            if (declared > MAX_PATCH_BYTES) {
                error.accept(response, GatewayError.of(ErrorType.INVALID_REQUEST, "body: %d bytes (expected: at most %d)",
                        declared, MAX_PATCH_BYTES).with("field", "body"));
                return;
            }
            request.body().onComplete(ar -> {
                if (ar.failed()) {
                    error.accept(response, GatewayError.of(ErrorType.INVALID_REQUEST, "body: could not be read").with("field", "body"));
                } else if (ar.result().length() > MAX_PATCH_BYTES) {
                    error.accept(response, GatewayError.of(ErrorType.INVALID_REQUEST, "body: %d bytes (expected: at most %d)",
                            ar.result().length(), MAX_PATCH_BYTES).with("field", "body"));
                } else {
                    byte[] body = ar.result().getBytes();
                    guarded.run(request, () -> logs.patch(id, body));
                }
            });
        } else {
            response.putHeader("allow", "GET, HEAD, PATCH");
            error.accept(response, GatewayError.of(ErrorType.METHOD_NOT_ALLOWED, "%s /logs/<id> (expected: GET or PATCH)", method));
        }
    }

    private static long parseLength(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
