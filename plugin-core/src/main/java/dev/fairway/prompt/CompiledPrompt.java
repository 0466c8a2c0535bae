package dev.fairway.prompt;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** One stored version of a prompt, its templates parsed once. */
record CompiledPrompt(String name, int version, PromptVersion source, List<Template> contents, Set<String> variables) {
    CompiledPrompt {
        requireNonNull(name, "name");
        requireNonNull(source, "source");
        contents = List.copyOf(contents);
        variables = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(variables));
    }

    /** @throws IllegalArgumentException when a message is no template (checked by {@link PromptVersion#validate} first) */
    static CompiledPrompt of(String name, int version, PromptVersion source) {
        List<Template> contents = new ArrayList<>();
        Set<String> variables = new LinkedHashSet<>();
        for (PromptMessage m : source.messages()) {
            Template t = Template.parse(m.content());
            contents.add(t);
            variables.addAll(t.names());
        }
        return new CompiledPrompt(name, version, source, contents, variables);
    }

    /** {@code name@version}, as the header names it and the logs report it. */
    String label() {
        return name + "@" + version;
    }
}
