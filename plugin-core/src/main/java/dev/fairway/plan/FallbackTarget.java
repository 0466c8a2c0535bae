package dev.fairway.plan;

import dev.fairway.config.Between;
import dev.fairway.config.Doc;
import dev.fairway.config.Match;
import dev.fairway.config.Problems;
import dev.fairway.config.Required;
import dev.fairway.config.Secret;
import dev.fairway.config.Validatable;

@Doc("One target of a fallback chain.")
public record FallbackTarget(
        @Required
        @Match(value = ".*\\S.*", expected = "not blank", message = "required")
        @Doc("Provider slug, a built-in or a custom provider.") String provider,
        @Doc("Model to ask this provider for; when left out, the model the client named.") String model,
        @Doc("Credential for this target; when left out, the route's or process's key for the provider, else the client's.") Secret apiKey,
        @Between(min = 1, max = Integer.MAX_VALUE, expected = "> 0")
        @Doc("Time allowed for this target's first byte, in milliseconds; when left out, the request's.") Integer timeoutMs)
        implements Validatable {

    @Override
    public void validate(Problems problems) {
        // Every rule is a component's constraint annotation, checked by Constraints.
    }
}
