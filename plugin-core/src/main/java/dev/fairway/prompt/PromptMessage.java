package dev.fairway.prompt;

import dev.fairway.config.Doc;
import dev.fairway.config.Match;
import dev.fairway.config.Problems;
import dev.fairway.config.Required;
import dev.fairway.config.Validatable;

@Doc("One message of a prompt template.")
public record PromptMessage(
        @Required
        @Match(value = "system|developer|user|assistant", expected = "system, developer, user or assistant")
        @Doc("The message's role: system, developer, user or assistant.") String role,
        @Required
        @Doc("The text, with {{variable}} placeholders filled from the request's variables (names of letters, digits, '_', '-' and '.').") String content)
        implements Validatable {

    @Override
    public void validate(Problems problems) {
        if (content != null) {
            String why = Template.problem(content);
            problems.require(why == null, "content", "%s", why);
        }
    }
}
