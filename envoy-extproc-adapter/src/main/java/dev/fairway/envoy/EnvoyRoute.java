package dev.fairway.envoy;

import static java.util.Objects.requireNonNull;

import dev.fairway.config.Doc;
import java.util.Map;

/**
 * How Envoy forwards the requests of one Fairway route. Lives in the ext_proc process config, not
 * in the core's route settings, because only the Envoy adapter has a choice here.
 */
@Doc("How Envoy forwards the requests of one route.")
public record EnvoyRoute(
        @Doc(value = "dispatcher: through Fairway's dispatcher (retries, fallback); direct: straight to the provider's Envoy cluster.", defaultValue = "dispatcher") ForwardMode mode,
        @Doc("Direct mode: value of the routing header per provider slug; a provider left out uses its slug.") Map<String, String> upstreams) {

    static final EnvoyRoute DEFAULT = new EnvoyRoute(ForwardMode.DISPATCHER, Map.of());

    public EnvoyRoute {
        requireNonNull(mode, "mode");
        upstreams = Map.copyOf(requireNonNull(upstreams, "upstreams"));
    }

    /** The routing header value that selects the cluster of {@code providerSlug} in direct mode. */
    String upstreamFor(String providerSlug) {
        return upstreams.getOrDefault(providerSlug, providerSlug);
    }
}
