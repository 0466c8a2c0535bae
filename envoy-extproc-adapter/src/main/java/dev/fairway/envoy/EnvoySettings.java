package dev.fairway.envoy;

import static java.util.Objects.requireNonNull;

import dev.fairway.config.Doc;
import java.util.Map;

/**
 * The Envoy-specific part of the ext_proc process config (its {@code envoy:} section). The core's
 * routes are in the same file's {@code routes:} list; this section says how Envoy reaches them.
 */
@Doc("Envoy ext_proc settings.")
public record EnvoySettings(
        @Doc(value = "gRPC initial metadata key carrying the route name; set it per route with ExtProcPerRoute.overrides.grpc_initial_metadata.", defaultValue = "x-fairway-route") String routeMetadata,
        @Doc(value = "Request header the service sets so that Envoy's routes pick the cluster (matched after clear_route_cache).", defaultValue = "x-fairway-upstream") String upstreamHeader,
        @Doc(value = "Value of the routing header that selects the dispatcher cluster.", defaultValue = "fairway-dispatcher") String dispatcherUpstream,
        @Doc(value = "Time the core has to decide a request, in milliseconds; keep it below Envoy's message_timeout.", defaultValue = "180") int decisionTimeoutMs,
        @Doc(value = "When the core has not decided in time: reject (503 JSON error) or continue (Envoy uses the route's own upstream, without the gateway).", defaultValue = "reject") TimeoutPolicy onTimeout,
        @Doc("Forwarding per route name; a route left out is forwarded through the dispatcher.") Map<String, EnvoyRoute> routes,
        @Doc("Route for requests whose stream carries no route_metadata; for Envoy Gateway, whose EnvoyExtensionPolicy cannot set gRPC initial metadata. Only where this service serves that one route: a stream naming another route still gets that route.") String defaultRoute) {

    public EnvoySettings {
        requireNonNull(routeMetadata, "routeMetadata");
        requireNonNull(upstreamHeader, "upstreamHeader");
        requireNonNull(dispatcherUpstream, "dispatcherUpstream");
        requireNonNull(onTimeout, "onTimeout");
        routes = Map.copyOf(requireNonNull(routes, "routes"));
    }

    static EnvoySettings defaults() {
        return new EnvoySettings("x-fairway-route", "x-fairway-upstream", "fairway-dispatcher", 180, TimeoutPolicy.REJECT, Map.of(), null);
    }

    EnvoyRoute route(String name) {
        return routes.getOrDefault(name, EnvoyRoute.DEFAULT);
    }
}
