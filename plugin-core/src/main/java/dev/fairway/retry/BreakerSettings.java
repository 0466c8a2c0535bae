package dev.fairway.retry;

import dev.fairway.config.Between;
import dev.fairway.config.Doc;
import dev.fairway.config.Problems;
import dev.fairway.config.Validatable;
import java.util.Objects;

@Doc("The circuit breaker of each target: after failure_threshold failures within window_seconds the target is skipped for cooldown_seconds, then one request probes it.")
public record BreakerSettings(
        @Doc(value = "Whether targets are skipped while their circuit is open.", defaultValue = "true") Boolean enabled,
        @Between(min = 1, max = Integer.MAX_VALUE, expected = ">= 1")
        @Doc(value = "Failures that open the circuit.", defaultValue = "5") Integer failureThreshold,
        @Between(min = 1, max = Integer.MAX_VALUE, expected = ">= 1")
        @Doc(value = "The window failures are counted in, in seconds.", defaultValue = "60") Integer windowSeconds,
        @Between(min = 1, max = Integer.MAX_VALUE, expected = ">= 1")
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
        // Every rule is a component's constraint annotation, checked by Constraints.
    }
}
