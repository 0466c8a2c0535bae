package dev.fairway.config;

import java.util.Objects;

/**
 * What a client connection of the standalone gateway may hold before it is closed: a request head
 * must arrive in time, a body must keep moving, an idle kept-alive connection goes away, and one
 * address cannot take every connection. Defaults follow nginx's 60 s.
 */
@Doc("Limits of the standalone gateway's client connections (the loopback dispatcher endpoint has none: only the local host adapter reaches it).")
public record ListenerLimits(
        @Doc(value = "Time from a new connection to the end of its first request head, in milliseconds; a connection that has not sent a full head by then is closed (nginx client_header_timeout).", defaultValue = "60000") Integer headerTimeoutMs,
        @Doc(value = "Longest pause between two reads of a request body, in milliseconds; a stalled body is answered 408 and its connection closed (nginx client_body_timeout).", defaultValue = "60000") Integer bodyTimeoutMs,
        @Doc(value = "Time a kept-alive connection may wait for its next request head, in milliseconds (nginx keepalive_timeout). Never applies while a request is being answered.", defaultValue = "60000") Integer idleTimeoutMs,
        @Doc(value = "Open connections allowed from one client address; further ones are closed at once. 0 turns the cap off (e.g. behind a load balancer that shares one address).", defaultValue = "256") Integer maxConnectionsPerAddress,
        @Doc(value = "Whether HTTP/2 without TLS (h2c, prior knowledge or Upgrade) is served on the gateway port; HTTP/1.1 only when off.", defaultValue = "false") Boolean h2c)
        implements Validatable {

    public ListenerLimits {
        headerTimeoutMs = Objects.requireNonNullElse(headerTimeoutMs, 60_000);
        bodyTimeoutMs = Objects.requireNonNullElse(bodyTimeoutMs, 60_000);
        idleTimeoutMs = Objects.requireNonNullElse(idleTimeoutMs, 60_000);
        maxConnectionsPerAddress = Objects.requireNonNullElse(maxConnectionsPerAddress, 256);
        h2c = Objects.requireNonNullElse(h2c, false);
    }

    public static ListenerLimits defaults() {
        return new ListenerLimits(null, null, null, null, null);
    }

    @Override
    public void validate(Problems problems) {
        problems.require(headerTimeoutMs >= 100 && headerTimeoutMs <= 3_600_000, "header_timeout_ms", "%s (expected: 100..3600000)", headerTimeoutMs);
        problems.require(bodyTimeoutMs >= 100 && bodyTimeoutMs <= 3_600_000, "body_timeout_ms", "%s (expected: 100..3600000)", bodyTimeoutMs);
        problems.require(idleTimeoutMs >= 100 && idleTimeoutMs <= 3_600_000, "idle_timeout_ms", "%s (expected: 100..3600000)", idleTimeoutMs);
        problems.require(maxConnectionsPerAddress >= 0, "max_connections_per_address", "%s (expected: >= 0; 0 turns the cap off)", maxConnectionsPerAddress);
    }
}
