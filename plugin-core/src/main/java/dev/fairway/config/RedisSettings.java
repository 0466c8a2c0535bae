package dev.fairway.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;

/**
 * Where shared state lives when several gateway processes must agree (quotas). The URI may carry a
 * password, so it is a {@link Secret} and never appears in logs or errors.
 */
@Doc("The Redis server that holds shared state (quota buckets) so that several gateway processes enforce one limit.")
public record RedisSettings(
        @Doc("redis://[user:password@]host:port[/database], or rediss:// for TLS; ${env:NAME} and ${file:/path} references are resolved.") Secret uri,
        @Doc(value = "Time allowed to open the connection, in milliseconds.", defaultValue = "2000") Integer connectTimeoutMs,
        @Doc(value = "Time allowed for one Redis command, in milliseconds; a slower answer counts as a store failure (see quotas[].on_store_failure).", defaultValue = "500") Integer commandTimeoutMs,
        @Doc(value = "Prefix of every key Fairway writes, so that one Redis can serve several gateways.", defaultValue = "fairway:quota:") String keyPrefix)
        implements Validatable {

    public RedisSettings {
        connectTimeoutMs = Objects.requireNonNullElse(connectTimeoutMs, 2000);
        commandTimeoutMs = Objects.requireNonNullElse(commandTimeoutMs, 500);
        keyPrefix = Objects.requireNonNullElse(keyPrefix, "fairway:quota:");
    }

    @Override
    public void validate(Problems problems) {
        if (uri == null) {
            problems.add("uri", "missing (expected: redis://host:port)");
        } else {
            // The value may hold a password: the message names the rule it broke, never the value.
            problems.require(isRedisUri(uri.reveal()), "uri", "not a redis://host:port or rediss://host:port URI");
        }
        problems.require(connectTimeoutMs > 0, "connect_timeout_ms", "%s (expected: > 0)", connectTimeoutMs);
        problems.require(commandTimeoutMs > 0, "command_timeout_ms", "%s (expected: > 0)", commandTimeoutMs);
        problems.require(!keyPrefix.isBlank() && keyPrefix.length() <= 128, "key_prefix", "%s (expected: 1 to 128 characters)", keyPrefix);
    }

    private static boolean isRedisUri(String value) {
        try {
            URI u = new URI(value);
            return ("redis".equals(u.getScheme()) || "rediss".equals(u.getScheme())) && u.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
