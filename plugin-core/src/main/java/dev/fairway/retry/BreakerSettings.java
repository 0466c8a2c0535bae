package dev.fairway.retry;

import dev.fairway.config.Doc;
import dev.fairway.config.Problems;
import dev.fairway.config.Validatable;
import java.util.Objects;

@Doc("The circuit breaker of each target: after failure_threshold failures within window_seconds the target is skipped for cooldown_seconds, then one request probes it.")
public record BreakerSettings(
        @Doc(value = "Whether targets are skipped while their circuit is open.", defaultValue = "true") Boolean enabled,
        @Doc(value = "Failures that open the circuit.", defaultValue = "5") Integer failureThreshold,
        @Doc(value = "The window failures are counted in, in seconds.", defaultValue = "60") Integer windowSeconds,
        @Doc(value = "How long an open circuit skips its target before a probe, in seconds.", defaultValue = "30") Integer cooldownSeconds)
        implements Validatable {

    public BreakerSettings {
        enabled = Objects.requireNonNullElse(enabled, true);
        failureThreshold = Objects.requireNonNullElse(failureThreshold, 5);
        windowSeconds = Objects.requireNonNullElse(windowSeconds, 60);
        cooldownSeconds = Objects.requireNonNullElse(cooldownSeconds, 30);
    }

    public static BreakerSettings defaults() {
        return new BreakerSettings(null, null, null, null);
    }

    @Override
    public void validate(Problems problems) {
        problems.require(failureThreshold >= 1, "failure_threshold", "%s (expected: >= 1)", failureThreshold);
        problems.require(windowSeconds >= 1, "window_seconds", "%s (expected: >= 1)", windowSeconds);
        problems.require(cooldownSeconds >= 1, "cooldown_seconds", "%s (expected: >= 1)", cooldownSeconds);
    }
}
