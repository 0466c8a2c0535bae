package dev.fairway.kong;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What Kong knows about a finished request that the gateway does not: the Kong route, service and
 * consumer, and Kong's own latencies. Keyed by {@code cf-aig-log-id}, so it joins the gateway's log
 * record for the same request. Only these fields are taken from Kong's serializer output; its
 * request headers (credentials) are never read.
 *
 * @param logId the {@code cf-aig-log-id} the client received, or null when the gateway did not answer
 * @param latencyKongMs time spent in Kong's plugins, -1 when unknown
 * @param latencyProxyMs time to the upstream's (the dispatcher's) answer, -1 when unknown
 * @param latencyRequestMs time from the first byte read to the last byte sent, -1 when unknown
 */
public record KongLogRecord(
        String logId,
        int status,
        String consumer,
        String routeId,
        String routeName,
        String serviceName,
        long latencyKongMs,
        long latencyProxyMs,
        long latencyRequestMs,
        long startedAtMillis) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads the output of {@code kong.log.serialize()}. */
    static KongLogRecord parse(String serialized) {
        JsonNode root;
        try {
            root = JSON.readTree(serialized == null ? "{}" : serialized);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("kong.log.serialize: not JSON (" + e.getOriginalMessage() + ")");
        }
        JsonNode response = root.path("response");
        JsonNode logId = response.path("headers").path("cf-aig-log-id");
        if (logId.isArray()) {
            logId = logId.path(0);
        }
        JsonNode latencies = root.path("latencies");
        return new KongLogRecord(
                text(logId),
                response.path("status").asInt(0),
                Access.consumerName(root.path("consumer").path("username").textValue(),
                        root.path("consumer").path("custom_id").textValue()),
                text(root.path("route").path("id")),
                text(root.path("route").path("name")),
                text(root.path("service").path("name")),
                latencies.path("kong").asLong(-1),
                latencies.path("proxy").asLong(-1),
                latencies.path("request").asLong(-1),
                root.path("started_at").asLong(-1));
    }

    /** The fields that join Fairway's log record: only what is known and never a secret. */
    java.util.Map<String, Object> fields() {
        java.util.Map<String, Object> f = new java.util.HashMap<>();
        f.put("status", status);
        putIfKnown(f, "consumer", consumer);
        putIfKnown(f, "route_id", routeId);
        putIfKnown(f, "route_name", routeName);
        putIfKnown(f, "service_name", serviceName);
        putIfKnown(f, "latency_kong_ms", latencyKongMs);
        putIfKnown(f, "latency_proxy_ms", latencyProxyMs);
        putIfKnown(f, "latency_request_ms", latencyRequestMs);
        putIfKnown(f, "started_at_ms", startedAtMillis);
        return f;
    }

    private static void putIfKnown(java.util.Map<String, Object> f, String key, Object value) {
        if (value != null && !(value instanceof Long l && l < 0)) {
            f.put(key, value);
        }
    }

    private static String text(JsonNode n) {
        return n.isTextual() ? n.textValue() : null;
    }
}
