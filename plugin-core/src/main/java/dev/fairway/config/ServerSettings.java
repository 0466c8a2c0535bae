package dev.fairway.config;

import java.util.Objects;

@Doc("Where the standalone gateway and the admin endpoints listen.")
public record ServerSettings(
        @Doc(value = "Address the gateway binds to.", defaultValue = "127.0.0.1") String host,
        @Between(min = 0, max = 65535)
        @Doc(value = "Port of the gateway's HTTP listener.", defaultValue = "8787") Integer port,
        @Between(min = 0, max = 65535)
        @Doc(value = "Port of the admin listener (metrics, analytics, dashboard); 0 turns it off.", defaultValue = "8788") Integer adminPort,
        @Doc(value = "Address the admin listener binds to; any address other than a loopback one requires admin_token.", defaultValue = "127.0.0.1") String adminHost,
        @Doc("Bearer token the admin listener requires (Authorization: Bearer <token>); required when admin_host is not a loopback address; at least 16 characters. Use ${env:NAME} or ${file:/path}.") Secret adminToken,
        @Between(min = 0, max = 3600)
        @Doc(value = "On SIGTERM, how long in-flight requests and streams may run before the process exits anyway, in seconds.", defaultValue = "30") Integer drainSeconds,
        @Doc(value = "Timeouts, the per-address connection cap and h2c of the gateway listener.", defaultValue = "{}") ListenerLimits limits,

        @Doc(value = "Request-body bytes the standalone gateway holds at once over all connections; a body that would pass it is answered 503. At least 65536.",
                defaultValue = "a quarter of the JVM's maximum heap") Long maxInflightBodyBytes)
        implements Validatable {

    /** The smallest in-flight body budget accepted: one small request must always fit. */
    public static final long MIN_INFLIGHT_BODY_BYTES = 64 * 1024;

    public ServerSettings {
        host = Objects.requireNonNullElse(host, "127.0.0.1");
        port = Objects.requireNonNullElse(port, 8787);
        adminPort = Objects.requireNonNullElse(adminPort, 8788);
        adminHost = Objects.requireNonNullElse(adminHost, "127.0.0.1");
        drainSeconds = Objects.requireNonNullElse(drainSeconds, 30);
        limits = Objects.requireNonNullElseGet(limits, ListenerLimits::defaults);
    }

    public static ServerSettings defaults() {
        return new ServerSettings(null, null, null, null, null, null, null, null);
    }

    /** {@code max_inflight_body_bytes}, or its default: a quarter of the heap leaves room for everything else. */
    public long inflightBodyBudget() {
        return maxInflightBodyBytes != null ? maxInflightBodyBytes : Math.max(MIN_INFLIGHT_BODY_BYTES, Runtime.getRuntime().maxMemory() / 4);
    }

    @Override
    public void validate(Problems problems) {
        problems.require(!host.isBlank(), "host", "must not be blank");
        problems.require(!adminHost.isBlank(), "admin_host", "must not be blank");
        problems.require(adminToken == null || adminToken.reveal().length() >= 16, "admin_token",
                "too short (expected: at least 16 characters)");
        limits.validate(problems.at("limits"));
        problems.require(maxInflightBodyBytes == null || maxInflightBodyBytes >= MIN_INFLIGHT_BODY_BYTES, "max_inflight_body_bytes",
                "%s (expected: >= %d)", maxInflightBodyBytes, MIN_INFLIGHT_BODY_BYTES);
    }
}
