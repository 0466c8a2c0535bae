package dev.fairway.prompt;

import dev.fairway.config.Between;
import dev.fairway.config.Doc;
import dev.fairway.config.GreaterThan;
import dev.fairway.config.Length;
import dev.fairway.config.Match;
import dev.fairway.config.Required;
import dev.fairway.config.Validatable;
import dev.fairway.config.Problems;

@Doc("One arm of an experiment: its share of the traffic and what it changes.")
public record ArmSettings(
        @Required(message = "null (expected: 1 to 64 letters, digits, '_', '-' or '.')")
        @Match(value = "[A-Za-z0-9_.-]+", expected = "1 to 64 letters, digits, '_', '-' or '.'")
        @Length(min = 1, max = 64, expected = "1 to 64 letters, digits, '_', '-' or '.'")
        @Doc("Arm name, unique in the experiment; logs and analytics report it.") String name,
        @Required(message = "missing (expected: > 0 and at most 100)")
        @GreaterThan(0)
        @Doc("Share of the experiment's traffic, in percent (> 0, at most two decimals); the arms' shares sum to 100.") Double percent,
        @Between(min = 1, max = Integer.MAX_VALUE, expected = "> 0")
        @Doc("The prompt version this arm sends (experiments on a prompt).") Integer version,
        @Doc("The model this arm asks for instead (provider/model on /compat); when left out, the prompt's or the request's.") String model)
        implements Validatable {

    @Override
    public void validate(Problems problems) {
        problems.require(percent == null || percent <= 100, "percent", "%s (expected: > 0 and at most 100)", percent);
    }
}
