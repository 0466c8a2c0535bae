package dev.fairway.plan;

import static java.util.Objects.requireNonNull;

import dev.fairway.config.GatewayConfig;
import dev.fairway.config.RouteConfig;
import dev.fairway.headers.CfAigHeaders;
import dev.fairway.http.Headers;

/**
 * Turns a request into the one that is planned, before any target is: a named prompt rendered
 * with the request's variables, an experiment's arm applied ({@code prompt.Shaper}). A request it
 * cannot shape is refused with the {@link dev.fairway.error.GatewayError} it throws (400, 404).
 */
@FunctionalInterface
public interface RequestShaper {
    /** Shapes nothing. */
    RequestShaper NONE = (route, cfAig, headers, body) -> new Shaped(body, Choices.NONE);

    /** The body to plan, and what was chosen on the way. */
    record Shaped(byte[] body, Choices choices) {
        public Shaped {
            requireNonNull(body, "body");
            requireNonNull(choices, "choices");
        }
    }

    Shaped shape(RouteConfig route, CfAigHeaders cfAig, Headers clientHeaders, byte[] body);

    /** Takes what a reloaded configuration adds (the configuration's new prompt versions); nothing by default. */
    default void reloaded(GatewayConfig config) {
    }
}
