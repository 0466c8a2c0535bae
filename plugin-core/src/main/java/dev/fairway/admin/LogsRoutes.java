package dev.fairway.admin;

import static java.util.Objects.requireNonNull;

import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.logstore.LogsApi;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /logs}, {@code DELETE /logs?<filters>}, {@code GET /logs/{id}} and {@code PATCH /logs/{id}}
 * on the admin listener; the server checks the token and bounds the body first ({@link AdminApi}).
 */
final class LogsRoutes implements AdminApi {
    /** A PATCH carries feedback, a score and a few metadata keys. */
    static final int MAX_PATCH_BYTES = 64 * 1024;

    private final LogsApi logs;

    LogsRoutes(LogsApi logs) {
        this.logs = requireNonNull(logs, "logs");
    }

    @Override
    public boolean serves(String path) {
        return path.equals("/logs") || path.startsWith("/logs/");
    }

    @Override
    public int maxBodyBytes() {
        return MAX_PATCH_BYTES;
    }

    @Override
    public Answer handle(Call call) {
        String path = call.path();
        String method = call.method();
        boolean read = method.equals("GET") || method.equals("HEAD");
        if (path.equals("/logs") || path.equals("/logs/")) {
            if (read) {
                return ok(logs.list(call.params()));
            }
            if (method.equals("DELETE")) {
                return ok(logs.delete(call.params()));
            }
            throw GatewayError.of(ErrorType.METHOD_NOT_ALLOWED, "%s /logs (expected: GET or DELETE)", method)
                    .with("allow", "GET, HEAD, DELETE");
        }
        String id;
        try {
            id = URLDecoder.decode(path.substring("/logs/".length()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            id = "";  // a malformed %-escape names no log
        }
        if (id.isEmpty() || id.contains("/")) {
            throw GatewayError.of(ErrorType.NOT_FOUND, "%s (expected: /logs/<log id>)", path);
        }
        if (read) {
            return ok(logs.get(id));
        }
        if (method.equals("PATCH")) {
            return ok(logs.patch(id, call.body()));
        }
        throw GatewayError.of(ErrorType.METHOD_NOT_ALLOWED, "%s /logs/<id> (expected: GET or PATCH)", method)
                .with("allow", "GET, HEAD, PATCH");
    }

    private static Answer ok(byte[] body) {
        return new Answer(200, body);
    }
}
