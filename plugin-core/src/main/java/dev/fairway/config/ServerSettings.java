package dev.fairway.config;

import java.util.Objects;

@Doc("Where the standalone gateway and the admin endpoints listen.")
public record ServerSettings(
        @Doc(value = "Address the gateway binds to.", defaultValue = "127.0.0.1") String host,
        @Doc(value = "Port of the gateway's HTTP listener.", defaultValue = "8787") Integer port,
        @Doc(value = "Port of the admin listener (metrics, analytics, dashboard); 0 turns it off.", defaultValue = "8788") Integer adminPort,
        @Doc(value = "Address the admin listener binds to; any address other than a loopback one requires admin_token.", defaultValue = "127.0.0.1") String adminHost,
        @Doc("Bearer token the admin listener requires (Authorization: Bearer <token>); required when admin_host is not a loopback address; at least 16 characters. Use ${env:NAME} or ${file:/path}.") Secret adminToken,
        @Doc(value = "On SIGTERM, how long in-flight requests and streams may run before the process exits anyway (0 to 3600 seconds).", defaultValue = "30") Integer drainSeconds)
        implements Validatable {

    public ServerSettings {
        host = Objects.requireNonNullElse(host, "127.0.0.1");
        port = Objects.requireNonNullElse(port, 8787);
        adminPort = Objects.requireNonNullElse(adminPort, 8788);
        adminHost = Objects.requireNonNullElse(adminHost, "127.0.0.1");
        drainSeconds = Objects.requireNonNullElse(drainSeconds, 30);
    }

    public static ServerSettings defaults() {
        return new ServerSettings(null, null, null, null, null, null);
    }

    @Override
    public void validate(Problems problems) {
        problems.require(port >= 0 && port <= 65535, "port", "%s (expected: 0..65535)", port);
        problems.require(adminPort >= 0 && adminPort <= 65535, "admin_port", "%s (expected: 0..65535)", adminPort);
        problems.require(drainSeconds >= 0 && drainSeconds <= 3600, "drain_seconds", "%s (expected: 0..3600)", drainSeconds);
        problems.require(!host.isBlank(), "host", "must not be blank");
        problems.require(!adminHost.isBlank(), "admin_host", "must not be blank");
        problems.require(adminToken == null || adminToken.reveal().length() >= 16, "admin_token",
                "too short (expected: at least 16 characters)");
    }
}
