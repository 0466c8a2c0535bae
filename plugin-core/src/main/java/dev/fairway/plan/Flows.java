package dev.fairway.plan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fairway.config.RouteConfig;
import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.http.Headers;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Resolves {@code model: "dynamic/<flow>"} (Cloudflare's Dynamic Routing) to the models a flow
 * chooses for one request; implemented by flow/. Planning asks it before planning the request, since
 * a flow's rate and budget limits may wait on the quota store.
 */
public interface Flows {
    /** The model prefix that names a flow. */
    String PREFIX = "dynamic/";

    /** No flows: every {@code dynamic/} model is refused 404. */
    Flows NONE = (route, ref, metadata, headers, body) -> CompletableFuture.failedFuture(
            GatewayError.of(ErrorType.NOT_FOUND, "model: no flow named %s on this route", ref).with("flow", ref));

    /**
     * The route flow {@code ref} ({@code name} or {@code name@version}) takes for this request; the
     * future fails with a {@link GatewayError} (an unknown flow, a limit with no fallback exceeded).
     */
    CompletableFuture<FlowRoute> route(RouteConfig route, String ref, Map<String, Object> metadata, Headers headers, JsonNode body);

    /**
     * Loads the configuration's flows, checking them against {@code registry}; called when the
     * gateway starts and on every reload, before the new routes serve.
     *
     * @throws dev.fairway.config.ConfigException naming the flow, element and field at fault
     */
    default void load(dev.fairway.config.GatewayConfig config, dev.fairway.provider.ProviderRegistry registry) {}

    /** The flow reference in {@code model}, or null when it names none. */
    static String ref(String model) {
        return model != null && model.startsWith(PREFIX) && model.length() > PREFIX.length() ? model.substring(PREFIX.length()) : null;
    }
}
