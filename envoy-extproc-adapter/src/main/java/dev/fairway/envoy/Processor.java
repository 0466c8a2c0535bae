package dev.fairway.envoy;

import static java.util.Objects.requireNonNull;

import dev.fairway.config.GatewayConfig;
import dev.fairway.config.RouteConfig;
import dev.fairway.dispatch.Dispatcher;
import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.host.HostBridge;
import dev.fairway.pipeline.Gateway;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every ext_proc stream of the process shares: the core, the routes resolved once at start
 * (never per request), the host bridge, the forwarding rules and the deadline timer.
 */
final class Processor {
    private final Gateway gateway;
    private final HostBridge bridge;
    private final EnvoySettings settings;
    private final Forwarding forwarding;
    private final Dispatcher dispatcher;
    private final ScheduledExecutorService timer;
    /** The routes of the configuration the gateway serves now; rebuilt once after a reload, never per request. */
    private volatile Routes routes;

    record Route(RouteConfig config, EnvoyRoute envoy) {}

    /** Route name to route, for one loaded configuration (compared by identity: a reload makes a new one). */
    private record Routes(GatewayConfig config, Map<String, Route> byName, List<String> names) {
        static Routes of(GatewayConfig config, EnvoySettings settings) {
            Map<String, Route> byName = new HashMap<>();
            for (RouteConfig r : config.routes()) {
                byName.put(r.name(), new Route(r, settings.route(r.name())));
            }
            return new Routes(config, Map.copyOf(byName), byName.keySet().stream().sorted().toList());
        }
    }

    Processor(Gateway gateway, Dispatcher dispatcher, ExtProcConfig config, ScheduledExecutorService timer) {
        this.gateway = requireNonNull(gateway, "gateway");
        this.dispatcher = requireNonNull(dispatcher, "dispatcher");
        this.settings = config.envoy();
        this.forwarding = new Forwarding(settings);
        HostBridge b = new HostBridge(gateway, dispatcher);
        this.bridge = settings.onTimeout() == TimeoutPolicy.CONTINUE ? b.passingOnDeadline() : b;
        this.timer = requireNonNull(timer, "timer");
        this.routes = Routes.of(gateway.config(), settings);
    }

    /** Decides each stream's request within the decision deadline, and ends what is decided too late. */
    HostBridge bridge() {
        return bridge;
    }

    /** The core's dispatcher: tickets in dispatcher mode, the relay rules (metering, translation) in direct mode. */
    Dispatcher dispatcher() {
        return dispatcher;
    }

    EnvoySettings settings() {
        return settings;
    }

    Forwarding forwarding() {
        return forwarding;
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    /**
     * The route the stream's metadata names. A missing or unknown name is a deployment mistake
     * (envoy.yaml and the ext_proc config disagree), not the client's: it is answered 500 and never
     * passed through, since passing would skip every gateway check.
     */
    Route route(String name) {
        if ((name == null || name.isEmpty()) && settings.defaultRoute() != null) {
            name = settings.defaultRoute();
        }
        if (name == null || name.isEmpty()) {
            throw GatewayError.of(ErrorType.INTERNAL,
                    "the Envoy route sends no %s gRPC metadata (set ExtProcPerRoute.overrides.grpc_initial_metadata)",
                    settings.routeMetadata()).with("metadata", settings.routeMetadata());
        }
        Routes now = current();
        Route r = now.byName().get(name);
        if (r == null) {
            throw GatewayError.of(ErrorType.INTERNAL, "%s: %s is not a route of the ext_proc service (known: %s)",
                    settings.routeMetadata(), name, String.join(", ", now.names()))
                    .with("metadata", settings.routeMetadata()).with("route", name);
        }
        return r;
    }

    /** The routes of the gateway's current configuration: a reload ({@code Fairway.reload}) swaps it. */
    private Routes current() {
        Routes r = routes;
        GatewayConfig live = gateway.config();
        if (r.config() != live) {
            r = Routes.of(live, settings);
            routes = r;
        }
        return r;
    }

}
