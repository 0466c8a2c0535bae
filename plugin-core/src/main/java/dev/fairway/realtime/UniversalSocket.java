package dev.fairway.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fairway.http.Headers;
import dev.fairway.sse.SseParser;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.ServerWebSocket;
import java.nio.ByteBuffer;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cloudflare's (non-realtime) WebSockets API: one persistent connection at a route root carrying
 * {@code {"type":"universal.create","request":{eventId, provider, endpoint, headers, query, config}}}
 * messages. Each becomes a Universal request to this gateway's own listener (a one-step POST to the
 * route root, with the connection's gateway headers), so it is authenticated, limited, cached and
 * logged like any other; its answer comes back as Cloudflare documents: a {@code universal.created}
 * carrying the whole answer, or, for a stream, a {@code universal.created} with the metadata, one
 * {@code universal.stream} per event and a {@code universal.done}. Answers are read only as fast
 * as the client takes them.
 */
final class UniversalSocket {
    private static final Logger LOG = LoggerFactory.getLogger(UniversalSocket.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Requests one connection may have open at once; more are answered with an error event. */
    static final int MAX_IN_FLIGHT = 16;
    private static final int MAX_EVENT_BYTES = 4 * 1024 * 1024;

    private final ServerWebSocket ws;
    private final HttpClient http;
    private final int port;
    private final String root;
    private final Headers gatewayHeaders;
    private int inFlight;

    /**
     * @param root the route root's path, as the client connected to it
     * @param gatewayHeaders the connection's gateway headers ({@code cf-aig-*}), sent with each request
     */
    UniversalSocket(ServerWebSocket ws, HttpClient http, int port, String root, Headers gatewayHeaders) {
        this.ws = ws;
        this.http = http;
        this.port = port;
        this.root = root;
        this.gatewayHeaders = gatewayHeaders;
    }

    void start() {
        ws.textMessageHandler(this::onMessage);
        ws.exceptionHandler(t -> LOG.debug("websockets api connection: {}", t.toString()));
    }

    private void onMessage(String text) {
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (Exception e) {
            error(null, "message: not JSON (expected: {\"type\":\"universal.create\",\"request\":{...}})");
            return;
        }
        JsonNode request = message.path("request");
        String eventId = request.path("eventId").isTextual() ? request.path("eventId").textValue() : null;
        if (!"universal.create".equals(message.path("type").asText()) || !request.isObject()) {
            error(eventId, "type: " + message.path("type").asText() + " (expected: universal.create with a request object)");
            return;
        }
        if (inFlight >= MAX_IN_FLIGHT) {
            error(eventId, "too many requests in flight on this connection (at most " + MAX_IN_FLIGHT + ")");
            return;
        }
        ObjectNode step = ((ObjectNode) request.deepCopy());
        step.remove("eventId");
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port).setURI(root)
                .putHeader("content-type", "application/json");
        gatewayHeaders.forEach(options::addHeader);
        if (eventId != null) {
            options.putHeader("cf-aig-event-id", eventId);
        }
        inFlight++;
        http.request(options)
                .compose(r -> r.send(Buffer.buffer(step.toString())))
                .onSuccess(response -> answer(eventId, response))
                .onFailure(t -> {
                    inFlight--;
                    LOG.warn("websockets api request {} failed: {}", eventId, t.toString());
                    error(eventId, "the gateway failed to process the request");
                });
    }

    private void answer(String eventId, HttpClientResponse response) {
        String type = response.getHeader("content-type");
        ObjectNode metadata = metadata(eventId, response, type);
        if (type != null && type.toLowerCase(Locale.ROOT).startsWith("text/event-stream")) {
            send(JSON.createObjectNode().put("type", "universal.created").set("metadata", metadata));
            ObjectNode streamMeta = JSON.createObjectNode().put("eventId", eventId);
            SseParser events = new SseParser(MAX_EVENT_BYTES, e -> {
                String data = e.text();
                if (!data.equals("[DONE]")) {
                    send(JSON.createObjectNode().put("type", "universal.stream").<ObjectNode>set("metadata", streamMeta)
                            .set("response", parsed(data)));
                }
            });
            response.handler(chunk -> {
                events.feed(ByteBuffer.wrap(chunk.getBytes()));
                if (ws.writeQueueFull()) {
                    response.pause();
                    ws.drainHandler(v -> response.resume());
                }
            });
            boolean[] over = new boolean[1];
            response.endHandler(v -> {
                if (over[0]) {
                    return;
                }
                over[0] = true;
                inFlight--;
                events.finish();
                send(JSON.createObjectNode().put("type", "universal.done").set("metadata", metadata));
            });
            response.exceptionHandler(t -> {
                if (over[0]) {
                    return;
                }
                over[0] = true;
                inFlight--;
                error(eventId, "the answer's stream broke off");
            });
            return;
        }
        response.body().onComplete(ar -> {
            inFlight--;
            if (ar.failed()) {
                error(eventId, "the answer broke off");
                return;
            }
            ObjectNode created = JSON.createObjectNode().put("type", "universal.created");
            created.set("metadata", metadata);
            created.set("response", parsed(ar.result().toString()));
            send(created);
        });
    }

    /** Cloudflare's metadata; {@code status} is the gateway's own addition, so a client can tell an error from an answer. */
    private static ObjectNode metadata(String eventId, HttpClientResponse response, String contentType) {
        ObjectNode m = JSON.createObjectNode();
        m.put("cacheStatus", response.getHeader("cf-aig-cache-status") == null ? "MISS" : response.getHeader("cf-aig-cache-status"));
        m.put("eventId", eventId);
        m.put("logId", response.getHeader("cf-aig-log-id"));
        m.put("step", response.getHeader("cf-aig-step") == null ? "0" : response.getHeader("cf-aig-step"));
        m.put("contentType", contentType);
        m.put("status", response.statusCode());
        return m;
    }

    private static JsonNode parsed(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            return JSON.getNodeFactory().textNode(text);
        }
    }

    private void error(String eventId, String message) {
        ObjectNode e = JSON.createObjectNode().put("type", "universal.error");
        e.putObject("metadata").put("eventId", eventId);
        e.putObject("error").put("type", "invalid_request").put("message", message);
        send(e);
    }

    private void send(ObjectNode message) {
        if (!ws.isClosed()) {
            ws.writeTextMessage(message.toString());
        }
    }
}
