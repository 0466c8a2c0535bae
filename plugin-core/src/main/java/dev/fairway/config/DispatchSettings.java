package dev.fairway.config;

import java.util.Objects;

@Doc("How the dispatcher calls upstream providers.")
public record DispatchSettings(
        @Doc(value = "Time allowed to open a connection to a provider, in milliseconds.", defaultValue = "5000") Integer connectTimeoutMs,
        @Doc(value = "Connections kept per provider host (HTTP/1.1); HTTP/2 multiplexes over fewer.", defaultValue = "256") Integer maxConnectionsPerHost,
        @Doc(value = "Seconds an idle pooled connection is kept open.", defaultValue = "60") Integer idleTimeoutSeconds,
        @Doc(value = "Port of the loopback dispatcher endpoint that host adapters forward to; 0 picks a free port.", defaultValue = "0") Integer loopbackPort,
        @Doc(value = "Seconds a one-time dispatcher ticket stays valid.", defaultValue = "30") Integer ticketTtlSeconds)
        implements Validatable {

    public DispatchSettings {
        connectTimeoutMs = Objects.requireNonNullElse(connectTimeoutMs, 5000);
        maxConnectionsPerHost = Objects.requireNonNullElse(maxConnectionsPerHost, 256);
        idleTimeoutSeconds = Objects.requireNonNullElse(idleTimeoutSeconds, 60);
        loopbackPort = Objects.requireNonNullElse(loopbackPort, 0);
        ticketTtlSeconds = Objects.requireNonNullElse(ticketTtlSeconds, 30);
    }

    public static DispatchSettings defaults() {
        return new DispatchSettings(null, null, null, null, null);
    }

    @Override
    public void validate(Problems problems) {
        problems.require(connectTimeoutMs > 0, "connect_timeout_ms", "%s (expected: > 0)", connectTimeoutMs);
        problems.require(maxConnectionsPerHost > 0, "max_connections_per_host", "%s (expected: > 0)", maxConnectionsPerHost);
        problems.require(idleTimeoutSeconds > 0, "idle_timeout_seconds", "%s (expected: > 0)", idleTimeoutSeconds);
        problems.require(loopbackPort >= 0 && loopbackPort <= 65535, "loopback_port", "%s (expected: 0..65535)", loopbackPort);
        problems.require(ticketTtlSeconds > 0, "ticket_ttl_seconds", "%s (expected: > 0)", ticketTtlSeconds);
    }
}
