package dev.fairway.realtime;

import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.http.Headers;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.UpstreamRequest;
import io.vertx.core.Future;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Opens the provider's side of a session: the exchange's planned request (the gateway's key in
 * place of the client's when it holds one, gateway headers dropped) as a WebSocket handshake. The
 * client's own handshake headers stay behind, and so do subprotocols that carry a credential.
 */
final class UpstreamSocket {
    /** Headers of the client's handshake the WebSocket client writes itself, or that describe a body there is none of. */
    private static final Set<String> HANDSHAKE = Set.of("sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions",
            "sec-websocket-protocol", "sec-websocket-accept", "content-type", "content-length", "accept-encoding", "origin");

    private UpstreamSocket() {}

    /** Connects, or fails with the gateway error the client is answered with before its upgrade. */
    static Future<WebSocket> connect(WebSocketClient client, Exchange exchange, Headers clientHeaders, long timeoutMs) {
        UpstreamRequest planned = exchange.upstreamRequest();
        WebSocketConnectOptions options = new WebSocketConnectOptions()
                .setAbsoluteURI(webSocketUri(planned.uri()))
                .setConnectTimeout(timeoutMs)
                .setTimeout(timeoutMs);
        planned.headers().forEach((name, value) -> {
            if (!HANDSHAKE.contains(name.toLowerCase(Locale.ROOT))) {
                options.addHeader(name, value);
            }
        });
        List<String> protocols = RealtimeRequest.subprotocols(clientHeaders).stream()
                .filter(p -> !RealtimeRequest.carriesCredential(p)).toList();
        if (!protocols.isEmpty()) {
            options.setSubProtocols(protocols);
        }
        return client.connect(options).recover(t -> Future.failedFuture(refusal(exchange, t)));
    }

    static String webSocketUri(URI uri) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        String ws = scheme.equals("https") || scheme.equals("wss") ? "wss" : "ws";
        return ws + uri.toString().substring(scheme.length());
    }

    /** What the client is told when the provider would not open the session: its status kept for a refusal, else 502. */
    private static GatewayError refusal(Exchange exchange, Throwable t) {
        String provider = exchange.target().provider().slug();
        if (t instanceof UpgradeRejectedException r) {
            int status = r.getStatus();
            ErrorType type = status == 401 || status == 403 ? ErrorType.FORBIDDEN
                    : status == 429 ? ErrorType.RATE_LIMITED
                    : status == 404 ? ErrorType.NOT_FOUND
                    : ErrorType.UPSTREAM_UNAVAILABLE;
            return GatewayError.of(type, "%s refused the realtime session with status %d", provider, status)
                    .withStatus(status >= 400 && status < 600 ? status : 502)
                    .with("provider", provider).with("upstream_status", status);
        }
        return GatewayError.of(ErrorType.UPSTREAM_UNAVAILABLE, "%s could not be reached for the realtime session: %s",
                provider, t.getClass().getSimpleName()).with("provider", provider);
    }
}
