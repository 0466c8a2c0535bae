package dev.fairway.prompt;

import dev.fairway.config.Doc;
import dev.fairway.config.Problems;
import dev.fairway.config.Validatable;
import java.util.List;
import java.util.Map;
import java.util.Objects;

@Doc("One version of a prompt: its messages, and optionally the model and parameters it is sent with.")
public record PromptVersion(
        @Doc("The template's messages, in order; at least one.") List<PromptMessage> messages,
        @Doc("The model the rendered request names (provider/model on /compat); when left out, the request's.") String model,
        @Doc(value = "Request fields set with the template (temperature, max_tokens, ...); the request's own fields win.", defaultValue = "{}") Map<String, Object> parameters)
        implements Validatable {

    public PromptVersion {
        messages = List.copyOf(Objects.requireNonNullElse(messages, List.of()));
        parameters = parameters == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(parameters));
    }

    @Override
    public void validate(Problems problems) {
        problems.require(!messages.isEmpty(), "messages", "empty (expected: at least one message)");
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i) == null) {
                problems.at("messages", i).add("", "must not be empty");
            } else {
                messages.get(i).validate(problems.at("messages", i));
            }
        }
        for (String reserved : List.of("messages", "model", "variables")) {
            problems.require(!parameters.containsKey(reserved), "parameters", "%s (expected: request fields other than messages, model and variables)", reserved);
        }
    }
}
