package dev.fairway.plan;

import dev.fairway.config.Between;
import dev.fairway.config.Doc;
import dev.fairway.config.Problems;
import dev.fairway.config.Validatable;
import dev.fairway.retry.RetrySettings;
import java.util.List;
import java.util.Objects;

@Doc("Targets tried in order after the requested one fails before answering; cf-aig-step tells which answered (0 = the requested one).")
public record FallbackSettings(
        @Doc(value = "The chain, after the requested target.", defaultValue = "[]") List<FallbackTarget> targets,
        @Doc(value = "Upstream statuses that move on to the next target (add 401 and 402 to skip a dead key); timeouts and connection failures always do.", defaultValue = "[429, 500, 502, 503, 504]")
        List<@Between(min = 400, max = 599, expected = "400 to 599") Integer> onStatus)
        implements Validatable {

    public FallbackSettings {
        targets = List.copyOf(Objects.requireNonNullElse(targets, List.of()));
        onStatus = List.copyOf(Objects.requireNonNullElse(onStatus, RetrySettings.DEFAULT_STATUSES));
    }

    public static FallbackSettings none() {
        return new FallbackSettings(null, null);
    }

    @Override
    public void validate(Problems problems) {
        for (int i = 0; i < targets.size(); i++) {
            if (targets.get(i) == null) {
                problems.at("targets", i).add("", "must not be empty");
            } else {
                targets.get(i).validate(problems.at("targets", i));
            }
        }
    }
}
