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

@Doc("A prompt of the repository: versioned templates a request names with fairway-prompt: <name>@<version> (or @latest).")
public record PromptSettings(
        @Required(message = "null (expected: 1 to 64 letters, digits, '_', '-' or '.')")
        @Match(value = "[A-Za-z0-9_.-]+", expected = "1 to 64 letters, digits, '_', '-' or '.'")
        @Length(min = 1, max = 64, expected = "1 to 64 letters, digits, '_', '-' or '.'")
        @Doc("Prompt name, unique.") String name,
        @Doc("Its versions, oldest first: the first is version 1; at least one. PUT /prompts/{name} on the admin listener adds more.") List<PromptVersion> versions)
        implements Validatable {

    public PromptSettings {
        versions = List.copyOf(Objects.requireNonNullElse(versions, List.of()));
    }

    @Override
    public void validate(Problems problems) {
        problems.require(!versions.isEmpty(), "versions", "empty (expected: at least one version)");
        for (int i = 0; i < versions.size(); i++) {
            if (versions.get(i) == null) {
                problems.at("versions", i).add("", "must not be empty");
            } else {
                versions.get(i).validate(problems.at("versions", i));
            }
        }
    }

    /** Config-load check of the repository: names unique. */
    public static void validateAll(List<PromptSettings> prompts, Problems problems) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < prompts.size(); i++) {
            PromptSettings p = prompts.get(i);
            if (p == null) {
                problems.at("prompts", i).add("", "must not be empty");
                continue;
            }
            p.validate(problems.at("prompts", i));
            if (p.name() != null && !names.add(p.name())) {
                problems.at("prompts", i).add("name", "%s is declared twice", p.name());
            }
        }
    }
}
