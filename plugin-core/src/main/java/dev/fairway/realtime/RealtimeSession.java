package dev.fairway.realtime;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fairway.cost.PriceTable;
import dev.fairway.error.GatewayError;
import dev.fairway.pipeline.Completion;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.SessionEvents;
import io.vertx.core.Context;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One realtime session: the client's socket and the provider's, relayed both ways frame by frame
 * ({@link FramePipe}), metered as responses finish ({@link SessionMeter}), and completed once, when
 * either side closes or a quota runs out, as one exchange (one log record with usage, cost,
 * duration, metadata and the event counts of both directions).
 */
final class RealtimeSession {
    private static final Logger LOG = LoggerFactory.getLogger(RealtimeSession.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** RFC 6455: the endpoint received a message that violates its policy. */
    static final short POLICY_VIOLATION = 1008;
    /** RFC 6455: the server met a condition that kept it from going on (the provider's side broke). */
    static final short SERVER_ERROR = 1011;
    private static final short NORMAL = 1000;
    private static final int ABNORMAL = 1006;

    private final Exchange exchange;
    private final ServerWebSocket client;
    private final WebSocket upstream;
    private final long upgradedNanos;
    private final SessionMeter meter;
    private final FramePipe up;
    private final FramePipe down;
    private boolean ended;

    RealtimeSession(Exchange exchange, ServerWebSocket client, WebSocket upstream, Context context, PriceTable prices) {
        this.exchange = exchange;
        this.client = client;
        this.upstream = upstream;
        this.upgradedNanos = exchange.elapsedNanos();
        this.meter = new SessionMeter(exchange, prices, e -> context.runOnContext(v -> exhausted(e)));
        this.up = new FramePipe(client, upstream, f -> {});
        this.down = new FramePipe(upstream, client, meter::onUpstreamFrame);
    }

    void start() {
        client.closeHandler(v -> closed(client, upstream, "client"));
        upstream.closeHandler(v -> closed(upstream, client, "upstream"));
        // The end of a side's input comes first: a peer gone while the other side's writes are queued
        // is closed only after the closing handshake times out, but its input has ended at once.
        client.endHandler(v -> closed(client, upstream, "client"));
        upstream.endHandler(v -> closed(upstream, client, "upstream"));
        client.exceptionHandler(t -> LOG.debug("session {}: client socket: {}", exchange.logId(), t.toString()));
        upstream.exceptionHandler(t -> LOG.debug("session {}: upstream socket: {}", exchange.logId(), t.toString()));
        up.start();
        down.start();
    }

    /** One side closed: the other is closed with the same code and reason, and the session ends. */
    private void closed(io.vertx.core.http.WebSocketBase side, io.vertx.core.http.WebSocketBase other, String who) {
        if (ended) {
            return;
        }
        Short code = side.closeStatusCode();
        String reason = side.closeReason();
        int status = code == null ? ABNORMAL : code;
        if (!other.isClosed()) {
            // 1005/1006 may not be sent in a close frame: a side that vanished is reported as an error.
            short sent = code == null || code == 1005 || code == 1006 ? SERVER_ERROR : code;
            other.close(sent, code == null ? who + " closed the connection" : reason);
        }
        boolean broken = who.equals("upstream") && status != NORMAL;
        end(status, who, broken, broken ? "upstream_closed" : null);
    }

    /** A quota ran out mid-session: the client gets an error event naming it, then both sides close. */
    private void exhausted(GatewayError error) {
        if (ended) {
            return;
        }
        ObjectNode event = JSON.createObjectNode().put("type", "error").put("event_id", "fairway_" + exchange.logId());
        ObjectNode body = event.putObject("error").put("type", error.type().wireName()).put("code", "quota_exhausted")
                .put("message", error.getMessage());
        error.details().forEach((k, v) -> body.put(k, String.valueOf(v)));
        String rule = String.valueOf(error.details().getOrDefault("rule", "quota"));
        String reason = truncate("quota exhausted: " + rule);
        end(POLICY_VIOLATION, "gateway", true, error.type().wireName());
        client.writeTextMessage(event.toString()).onComplete(v -> client.close(POLICY_VIOLATION, reason));
        upstream.close(NORMAL, "session ended by the gateway");
    }

    /** A close reason fits a control frame: at most 123 bytes of UTF-8. */
    private static String truncate(String reason) {
        byte[] b = reason.getBytes(StandardCharsets.UTF_8);
        return b.length <= 123 ? reason : new String(b, 0, 120, StandardCharsets.UTF_8) + "...";
    }

    private void end(int closeCode, String closedBy, boolean truncated, String errorType) {
        if (ended) {
            return;
        }
        ended = true;
        exchange.facts().session(new SessionEvents(up.messages(), down.messages(), closeCode, closedBy));
        Completion c = Completion.relayed(Completion.SWITCHING_PROTOCOLS, truncated, 0, 1, upgradedNanos, exchange.elapsedNanos(),
                down.bytes(), errorType);
        exchange.complete(c);
    }

    /** The meter, for tests and the server's checks. */
    SessionMeter meter() {
        return meter;
    }
}
