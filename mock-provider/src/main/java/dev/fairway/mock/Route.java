package dev.fairway.mock;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * Which endpoint a request is for. Matching is on the path's end, so any prefix works: a gateway's
 * route prefix, Azure's {@code /openai/deployments/x}, Cloudflare's account and gateway segments.
 *
 * @param pathModel the model named in the path (Google, Bedrock), or null
 */
record Route(Endpoint endpoint, String pathModel) {

    Route {
        Objects.requireNonNull(endpoint, "endpoint");
    }

    /** The route for this method and path (no query string), if the mock serves it. */
    static Optional<Route> match(String method, String path) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        Route route = byPath(p);
        return route != null && route.endpoint.method().equals(method) ? Optional.of(route) : Optional.empty();
    }

    private static Route byPath(String p) {
        Route google = modelInPath(p, "/models/", ":generateContent", Endpoint.GOOGLE_GENERATE);
        if (google == null) {
            google = modelInPath(p, "/models/", ":streamGenerateContent", Endpoint.GOOGLE_STREAM);
        }
        if (google != null) {
            return google;
        }
        Route bedrock = modelInPath(p, "/model/", "/invoke", Endpoint.BEDROCK_INVOKE);
        if (bedrock == null) {
            bedrock = modelInPath(p, "/model/", "/converse", Endpoint.BEDROCK_CONVERSE);
        }
        if (bedrock == null) {
            bedrock = modelInPath(p, "/model/", "/invoke-with-response-stream", Endpoint.BEDROCK_INVOKE_STREAM);
        }
        if (bedrock == null) {
            bedrock = modelInPath(p, "/model/", "/converse-stream", Endpoint.BEDROCK_CONVERSE_STREAM);
        }
        if (bedrock != null) {
            return bedrock;
        }
        if (p.endsWith("/chat/completions")) {
            // Mistral's dialect is told by the path: point a client's Mistral base URL at <mock>/mistral/v1.
            return new Route(p.contains("/mistral/") ? Endpoint.MISTRAL_CHAT : Endpoint.OPENAI_CHAT, null);
        }
        if (p.endsWith("/responses")) {
            return new Route(Endpoint.OPENAI_RESPONSES, null);
        }
        if (p.endsWith("/embeddings")) {
            return new Route(Endpoint.OPENAI_EMBEDDINGS, null);
        }
        if (p.endsWith("/v2/chat")) {
            return new Route(Endpoint.COHERE_CHAT, null);
        }
        if (p.endsWith("/messages")) {
            return new Route(Endpoint.ANTHROPIC_MESSAGES, null);
        }
        if (p.endsWith("/models")) {
            return new Route(Endpoint.MODEL_LIST, null);
        }
        return null;
    }

    /** {@code .../<marker><model><suffix>}; the model is URL-decoded (Bedrock ARNs arrive encoded). */
    private static Route modelInPath(String p, String marker, String suffix, Endpoint endpoint) {
        if (!p.endsWith(suffix)) {
            return null;
        }
        String head = p.substring(0, p.length() - suffix.length());
        int at = head.lastIndexOf(marker);
        if (at < 0 || at + marker.length() == head.length()) {
            return null;
        }
        String model = head.substring(at + marker.length());
        if (model.indexOf('/') >= 0) {
            return null;
        }
        return new Route(endpoint, URLDecoder.decode(model, StandardCharsets.UTF_8));
    }
}
