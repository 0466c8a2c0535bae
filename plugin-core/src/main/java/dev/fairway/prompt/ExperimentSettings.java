package dev.fairway.prompt;

import dev.fairway.config.Doc;
import dev.fairway.config.Length;
import dev.fairway.config.Match;
import dev.fairway.config.Problems;
import dev.fairway.config.Required;
import dev.fairway.config.Validatable;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

@Doc("An experiment: splits a route's requests for one prompt (or one model) between arms by percentage; sticky per metadata key when key is set.")
public record ExperimentSettings(
        @Required(message = "null (expected: 1 to 64 letters, digits, '_', '-' or '.')")
        @Match(value = "[A-Za-z0-9_.-]+", expected = "1 to 64 letters, digits, '_', '-' or '.'")
        @Length(min = 1, max = 64, expected = "1 to 64 letters, digits, '_', '-' or '.'")
        @Doc("Experiment name, unique within the route; logs and analytics report it.") String name,
        @Doc("The prompt whose requests take part (fairway-prompt naming it without a version, or @latest); set this or model.") String prompt,
        @Doc("The model whose requests take part (as the body names it); set this or prompt.") String model,
        @Match(value = "metadata\\.[A-Za-z0-9_.-]+", expected = "metadata.<key>, such as metadata.user_id")
        @Length(max = 73, expected = "metadata.<key> with a key of at most 64 characters")
        @Doc("metadata.<key>: requests with the same cf-aig-metadata value for the key always get the same arm; without it (or without the value) each request is drawn anew.") String key,
        @Doc("The arms; at least two, names unique, percentages summing to 100.") List<ArmSettings> arms)
        implements Validatable {

    public ExperimentSettings {
        arms = List.copyOf(Objects.requireNonNullElse(arms, List.of()));
    }

    @Override
    public void validate(Problems problems) {
        problems.require((prompt == null) != (model == null), "prompt", "%s (expected: one of prompt and model)",
                prompt == null ? "neither prompt nor model" : "both prompt and model");
        problems.require(arms.size() >= 2, "arms", "%d arms (expected: at least two)", arms.size());
        Set<String> names = new HashSet<>();
        long basisPoints = 0;
        for (int i = 0; i < arms.size(); i++) {
            ArmSettings a = arms.get(i);
            if (a == null) {
                problems.at("arms", i).add("", "must not be empty");
                continue;
            }
            a.validate(problems.at("arms", i));
            if (a.name() != null && !names.add(a.name())) {
                problems.at("arms", i).add("name", "%s is used by another arm of this experiment", a.name());
            }
            if (a.percent() != null) {
                double bp = a.percent() * 100;
                problems.require(Math.abs(bp - Math.rint(bp)) < 1e-6, "arms[" + i + "].percent", "%s (expected: at most two decimals)", a.percent());
                basisPoints += Math.round(bp);
            }
            problems.require(prompt == null || a.version() != null || a.model() != null, "arms[" + i + "]",
                    "changes nothing (expected: version or model)");
            problems.require(prompt != null || a.version() == null, "arms[" + i + "].version",
                    "set on an experiment on a model (expected: model)");
            problems.require(prompt != null || a.model() != null, "arms[" + i + "].model", "missing (expected: the arm's model)");
        }
        problems.require(basisPoints == 10_000, "arms", "percentages sum to %s (expected: 100)", basisPoints / 100.0);
    }

    /** Config-load check of a route's experiments: names unique, one experiment per prompt and per model. */
    public static void validateAll(List<ExperimentSettings> experiments, Problems problems) {
        Set<String> names = new HashSet<>();
        Set<String> subjects = new HashSet<>();
        for (int i = 0; i < experiments.size(); i++) {
            ExperimentSettings e = experiments.get(i);
            if (e == null) {
                problems.at("experiments", i).add("", "must not be empty");
                continue;
            }
            e.validate(problems.at("experiments", i));
            if (e.name() != null && !names.add(e.name())) {
                problems.at("experiments", i).add("name", "%s is used by another experiment of this route", e.name());
            }
            String subject = e.prompt() != null ? "prompt " + e.prompt() : "model " + e.model();
            if (!subjects.add(subject)) {
                problems.at("experiments", i).add(e.prompt() != null ? "prompt" : "model", "%s has another experiment on this route", subject);
            }
        }
    }
}
