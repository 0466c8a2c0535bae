package dev.fairway.apisix;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What APISIX tells the runner it spawns ({@code apisix/plugins/ext-plugin/init.lua}, spawn_proc):
 * the socket in {@code APISIX_LISTEN_ADDRESS=unix:/path} and the conf cache time in seconds in
 * {@code APISIX_CONF_EXPIRE_TIME}.
 */
record RunnerEnvironment(Path socket, Duration confTtl) {
    static final String LISTEN_ADDRESS = "APISIX_LISTEN_ADDRESS";
    static final String CONF_EXPIRE_TIME = "APISIX_CONF_EXPIRE_TIME";
    /** APISIX's own value ({@code helper.get_conf_token_cache_time}). */
    static final Duration DEFAULT_CONF_TTL = Duration.ofSeconds(3600);

    /** Reads the environment; throws {@link IllegalArgumentException} naming the variable at fault. */
    static RunnerEnvironment from(Map<String, String> env) {
        requireNonNull(env, "env");
        String address = env.get(LISTEN_ADDRESS);
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException(LISTEN_ADDRESS + ": not set (expected: unix:/path/to/socket; APISIX sets it when ext-plugin.cmd starts the runner)");
        }
        if (!address.startsWith("unix:") || address.length() == "unix:".length()) {
            throw new IllegalArgumentException(LISTEN_ADDRESS + ": " + address + " (expected: unix:/path/to/socket)");
        }
        Path socket = Path.of(address.substring("unix:".length()));
        String ttl = env.get(CONF_EXPIRE_TIME);
        Duration confTtl = DEFAULT_CONF_TTL;
        if (ttl != null && !ttl.isBlank()) {
            long seconds;
            try {
                seconds = Long.parseLong(ttl.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(CONF_EXPIRE_TIME + ": " + ttl + " (expected: whole seconds > 0)");
            }
            if (seconds <= 0) {
                throw new IllegalArgumentException(CONF_EXPIRE_TIME + ": " + ttl + " (expected: whole seconds > 0)");
            }
            confTtl = Duration.ofSeconds(seconds);
        }
        return new RunnerEnvironment(socket, confTtl);
    }
}
