package dev.fairway.flow;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.fairway.config.GatewayConfig;
import dev.fairway.config.Problems;
import dev.fairway.config.RouteConfig;
import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.http.Headers;
import dev.fairway.plan.FlowRoute;
import dev.fairway.plan.Flows;
import dev.fairway.plan.StateFile;
import dev.fairway.provider.Provider;
import dev.fairway.provider.ProviderRegistry;
import dev.fairway.quota.LimitGate;
import dev.fairway.translate.Translators;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.DoubleSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The flows a process serves: process-wide ones (the configuration's {@code flows}, and versions
 * created with {@code PUT /flows/{name}}), each with its bounded version history, and a route's own
 * ({@code routes[].flows}), visible on that route only and shadowing a process-wide flow of the same
 * name. A reload keeps admin-created versions (and the active version, unless the configuration's
 * text of the flow changed). With a {@link StateFile} ({@link #persistIn}) every PUT and rollback is
 * written there before it serves, and the first load restores it, so a restart keeps them too.
 */
public final class FlowRegistry implements Flows {
    /** Process-wide flows kept at most: PUT beyond it is refused, so clients cannot grow the map. */
    public static final int MAX_FLOWS = 256;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern REF = Pattern.compile("([A-Za-z0-9_-]{1,64})(?:@v?([0-9]{1,6}))?");

    private final FlowRunner runner;
    private final Clock clock;
    private final Object lock = new Object();
    /** Swapped whole under {@link #lock}; read without it. */
    private volatile Map<String, FlowHistory> flows = Map.of();
    private volatile ProviderRegistry providers = ProviderRegistry.builtIn();
    /** Where PUTs and rollbacks are kept across restarts, or null (memory only). */
    private StateFile store;
    private boolean restored;
    /** A host's route flows, read once per route value (identity), bounded. */
    private final Cache<JsonNode, FlowVersion> routeFlows = Caffeine.newBuilder().weakKeys().maximumSize(1024).build();

    public FlowRegistry(LimitGate limits, DoubleSupplier random, Clock clock) {
        this.runner = new FlowRunner(limits, random);
        this.clock = requireNonNull(clock, "clock");
    }

    /**
     * The registry of a process whose stages are {@code stages}: limits share the quota stage's
     * buckets (Redis when configured), else buckets of their own in memory.
     */
    public static FlowRegistry forStages(List<dev.fairway.pipeline.Stage> stages) {
        LimitGate limits = null;
        for (dev.fairway.pipeline.Stage s : stages) {
            if (s instanceof dev.fairway.quota.QuotaStage q) {
                limits = q.limits();
            }
        }
        if (limits == null) {
            limits = LimitGate.on(dev.fairway.quota.QuotaBackend.inMemory(io.github.bucket4j.TimeMeter.SYSTEM_MILLISECONDS));
        }
        return new FlowRegistry(limits, () -> java.util.concurrent.ThreadLocalRandom.current().nextDouble(), Clock.systemUTC());
    }

    /**
     * Keeps the process-wide flows' histories in {@code file}: restored by the first {@link #load},
     * rewritten by every {@link #put} and {@link #rollback}. Call before the first load.
     */
    public FlowRegistry persistIn(StateFile file) {
        synchronized (lock) {
            this.store = requireNonNull(file, "file");
            return this;
        }
    }

    /** Whether {@code name} is a valid flow name (letters, digits, '-' and '_', as Cloudflare's route names). */
    public static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** The structural checks of a flow, without a provider registry (every provider passes). */
    public static void check(JsonNode json, Problems problems) {
        JsonNode tree = FlowJson.tree(json, problems);
        if (tree != null) {
            new FlowParser(p -> true).parse(tree, problems);
        }
    }

    /**
     * Loads the configuration's flows (at start and on every reload), checking model providers
     * against {@code registry}; leaves everything as it was when one is invalid.
     *
     * @throws dev.fairway.config.ConfigException naming the flow, element and field at fault
     */
    @Override
    public void load(GatewayConfig config, ProviderRegistry registry) {
        Problems problems = new Problems();
        FlowParser parser = parser(registry);
        Map<String, FlowGraph> parsed = new LinkedHashMap<>();
        config.flows().forEach((name, json) -> {
            Problems at = problems.atKey("flows", name);
            parsed.put(name, parser.parse(FlowJson.tree(json, at), at));
        });
        for (int i = 0; i < config.routes().size(); i++) {
            Problems route = problems.at("routes", i);
            config.routes().get(i).flows().forEach((name, json) -> parser.parse(FlowJson.tree(json, route.atKey("flows", name)), route.atKey("flows", name)));
        }
        problems.throwIfAny();
        synchronized (lock) {
            if (store != null && !restored) {
                // The stored histories stand where the previous process left them; the configuration then applies as on a reload.
                flows = Map.copyOf(FlowState.read(store, parser));
                restored = true;
            }
            Map<String, FlowHistory> next = new LinkedHashMap<>();
            flows.forEach((name, h) -> {
                if (h.hasAdminVersions() || config.flows().containsKey(name)) {
                    next.put(name, h);
                }
            });
            parsed.forEach((name, graph) -> {
                String text = config.flows().get(name).toString();
                FlowHistory h = next.get(name);
                if (h == null) {
                    next.put(name, FlowHistory.first(new FlowVersion(name, 1, graph, "config", clock.instant()), text));
                } else if (!text.equals(h.configJson())) {
                    next.put(name, h.with(new FlowVersion(name, h.next(), graph, "config", clock.instant()), text));
                }
            });
            flows = Map.copyOf(next);
            providers = registry;
            routeFlows.invalidateAll();
        }
    }

    /** Creates and activates a new version of {@code name} from Cloudflare's JSON; refused 400 naming the element and field. */
    public FlowVersion put(String name, JsonNode json) {
        if (!validName(name)) {
            throw GatewayError.invalidField("name", "flow name: " + shorten(name) + " (expected: 1 to 64 letters, digits, '-' or '_')");
        }
        Problems problems = new Problems();
        FlowGraph graph = parser(providers).parse(json, problems);
        if (graph == null) {
            throw GatewayError.of(ErrorType.INVALID_REQUEST, "flow %s: %s", name, String.join("; ", problems.messages()))
                    .with("problems", problems.messages());
        }
        synchronized (lock) {
            FlowHistory h = flows.get(name);
            if (h == null && flows.size() >= MAX_FLOWS) {
                throw GatewayError.of(ErrorType.INVALID_REQUEST, "flow %s: %d flows are stored already (expected: at most %d)", name, flows.size(), MAX_FLOWS);
            }
            FlowVersion v = new FlowVersion(name, h == null ? 1 : h.next(), graph, "admin", clock.instant());
            Map<String, FlowHistory> next = new LinkedHashMap<>(flows);
            next.put(name, h == null ? FlowHistory.first(v, null) : h.with(v, h.configJson()));
            swap(name, next);
            return v;
        }
    }

    /** Makes {@code version} (or, when null, the version before the active one) serve {@code name}. */
    public FlowVersion rollback(String name, Integer version) {
        synchronized (lock) {
            FlowHistory h = require(name);
            int target = version != null ? version : h.active() - 1;
            while (version == null && target > 0 && h.version(target) == null) {
                target--;
            }
            FlowVersion v = target > 0 ? h.version(target) : null;
            if (v == null) {
                throw GatewayError.of(ErrorType.NOT_FOUND, "flow %s has no version %s to roll back to (kept: %s)", name,
                        version != null ? version : "before " + h.active(), h.versions().stream().map(FlowVersion::version).toList())
                        .with("flow", name);
            }
            Map<String, FlowHistory> next = new LinkedHashMap<>(flows);
            next.put(name, h.activate(v.version()));
            swap(name, next);
            return v;
        }
    }

    /** Stores {@code next} (when persisted), then serves it; a change that cannot be stored is refused 503 and nothing changes. */
    private void swap(String name, Map<String, FlowHistory> next) {
        if (store != null) {
            try {
                store.write(FlowState.write(next));
            } catch (java.io.IOException e) {
                throw GatewayError.of(ErrorType.SERVICE_UNAVAILABLE, "flow %s: the change could not be stored in %s (%s); nothing changed",
                        name, store.path(), e.toString()).with("flow", name);
            }
        }
        flows = Map.copyOf(next);
    }

    /** The versions of {@code name} and the active one; 404 when there is no such flow. */
    public FlowHistoryView history(String name) {
        FlowHistory h = require(name);
        return new FlowHistoryView(name, h.active(), h.versions());
    }

    /** What {@code GET /flows/{name}} shows. */
    public record FlowHistoryView(String name, int active, List<FlowVersion> versions) {}

    @Override
    public CompletableFuture<FlowRoute> route(RouteConfig route, String ref, Map<String, Object> metadata, Headers headers, JsonNode body) {
        Matcher m = REF.matcher(ref);
        if (!m.matches()) {
            return CompletableFuture.failedFuture(GatewayError.invalidField("model",
                    "model: dynamic/" + shorten(ref) + " (expected: dynamic/<flow> or dynamic/<flow>@<version>)"));
        }
        String name = m.group(1);
        Integer wanted = m.group(2) == null ? null : Integer.parseInt(m.group(2));
        FlowVersion v;
        JsonNode own = route.flows().get(name);
        if (own != null) {
            v = routeFlow(name, own);
            if (wanted != null && wanted != v.version()) {
                v = null;
            }
        } else {
            FlowHistory h = flows.get(name);
            v = h == null ? null : wanted == null ? h.activeVersion() : h.version(wanted);
        }
        if (v == null) {
            return CompletableFuture.failedFuture(GatewayError.of(ErrorType.NOT_FOUND, "model: no flow %s on this route", shorten(ref))
                    .with("flow", shorten(ref)));
        }
        try {
            return runner.run(route.name(), name, v.version(), v.graph(), new RequestView(metadata, headers, body));
        } catch (GatewayError e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** A route's own flow: version 1, or the integer {@code version} its JSON carries. */
    private FlowVersion routeFlow(String name, JsonNode json) {
        return routeFlows.get(json, j -> {
            Problems problems = new Problems();
            JsonNode tree = FlowJson.tree(j, problems.atKey("flows", name));
            FlowGraph g = tree == null ? null : parser(providers).parse(tree, problems.atKey("flows", name));
            if (g == null) {
                // A host's route is checked when the host hands it over; a flow failing here names why.
                throw GatewayError.of(ErrorType.INVALID_REQUEST, "flow %s: %s", name, String.join("; ", problems.messages()));
            }
            int version = tree.path("version").canConvertToInt() && tree.path("version").intValue() > 0 ? tree.path("version").intValue() : 1;
            return new FlowVersion(name, version, g, "config", clock.instant());
        });
    }

    private FlowHistory require(String name) {
        FlowHistory h = validName(name) ? flows.get(name) : null;
        if (h == null) {
            throw GatewayError.of(ErrorType.NOT_FOUND, "no flow named %s", shorten(name)).with("flow", shorten(String.valueOf(name)));
        }
        return h;
    }

    /** Model elements may name providers that speak, or translate from, OpenAI chat. */
    private static FlowParser parser(ProviderRegistry registry) {
        return new FlowParser(slug -> {
            Provider p = registry.get(slug);
            return p != null && Translators.fromOpenAiChat(p.format()) != null;
        });
    }

    private static String shorten(String s) {
        return s == null ? "null" : s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}
