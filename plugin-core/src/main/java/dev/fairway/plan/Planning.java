package dev.fairway.plan;

import static java.util.Objects.requireNonNull;

import dev.fairway.body.RequestBody;
import dev.fairway.config.ProviderSettings;
import dev.fairway.config.RouteConfig;
import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.headers.CfAigHeaders;
import dev.fairway.http.Headers;
import dev.fairway.provider.Provider;
import dev.fairway.provider.ProviderRegistry;
import dev.fairway.provider.UpstreamTarget;
import dev.fairway.provider.WireFormat;
import dev.fairway.routing.RouteMatch;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The one planning call of an authenticated request: picks the shape the path asks for (a provider
 * path, {@code /compat}, the REST API, a Universal request), lets {@link Planner} build the targets
 * under the route's policy, and checks what the plan promises (the stored key alias, the gateway
 * keys' operations). Everything it refuses comes back as a {@link PlanDecision.Refused}.
 */
public final class Planning {
    /** The OpenAI-compatible endpoint's path segment, where a provider slug would stand. */
    private static final String COMPAT = "compat";

    private final ProviderRegistry registry;
    private final Map<String, ProviderSettings> processProviders;
    private final Planner planner;
    private final RestApi restApi;
    private final Flows flows;
    private final RequestShaper shaper;

    public Planning(ProviderRegistry registry, Map<String, ProviderSettings> processProviders, Planner planner) {
        this(registry, processProviders, planner, Flows.NONE, RequestShaper.NONE);
    }

    /**
     * @param flows the routing flows {@code model: "dynamic/<flow>"} names
     * @param shaper renders a named prompt and applies experiments before the targets are planned
     */
    public Planning(ProviderRegistry registry, Map<String, ProviderSettings> processProviders, Planner planner, Flows flows,
                    RequestShaper shaper) {
        this.flows = requireNonNull(flows, "flows");
        this.shaper = requireNonNull(shaper, "shaper");
        this.registry = requireNonNull(registry, "registry");
        this.processProviders = requireNonNull(processProviders, "processProviders");
        this.planner = requireNonNull(planner, "planner");
        this.restApi = new RestApi(registry, planner, processProviders);
    }

    /**
     * Plans a request on {@code match}.
     *
     * @param body the client's body, as sent
     */
    public PlanDecision plan(String method, RouteMatch match, CfAigHeaders cfAig, Headers clientHeaders, byte[] body) {
        try {
            return planOrThrow(method, match, cfAig, clientHeaders, body);
        } catch (GatewayError e) {
            return new PlanDecision.Refused(e);
        }
    }

    /**
     * As {@link #plan}, first letting a routing flow choose the models when the request names one
     * ({@code model: "dynamic/<flow>"}): the flow's limits may wait on the quota store, so the
     * decision is a future. It never fails: what the flow refuses (an unknown flow, a limit exceeded
     * with no fallback) is a {@link PlanDecision.Refused}.
     *
     * <p>A named prompt is rendered first ({@link RequestShaper}), then the flow reads the rendered
     * request: a prompt version whose model is {@code dynamic/<flow>} is routed by that flow, and the
     * flow's conditions see the rendered body. As on Cloudflare, a flow takes the OpenAI
     * chat-completions shape only: {@code /compat/chat/completions}, the REST API's
     * {@code v1/chat/completions}, and a provider path of that shape ({@code /openai/chat/completions},
     * any OpenAI-compatible provider's); a {@code dynamic/} model on any other provider path (Anthropic
     * messages, responses, embeddings) is refused 400 naming {@code model}, never sent upstream as is.
     */
    public CompletableFuture<PlanDecision> decide(String method, RouteMatch match, CfAigHeaders cfAig, Headers clientHeaders, byte[] body) {
        if (match.isRouteRoot()) {
            return universal(method, match, cfAig, clientHeaders, body);
        }
        RequestShaper.Shaped shaped;
        RequestBody scanned;
        try {
            shaped = shaper.shape(match.route(), cfAig, clientHeaders, body);
            scanned = RequestBody.scan(shaped.body(), clientHeaders.get("content-type"));
        } catch (GatewayError e) {
            return CompletableFuture.completedFuture(new PlanDecision.Refused(e));
        }
        String ref = scanned.json() ? Flows.ref(scanned.model()) : null;
        if (ref == null) {
            return CompletableFuture.completedFuture(planShaped(method, match, cfAig, clientHeaders, scanned, shaped.choices()));
        }
        String rest = chatRest(match);
        if (rest == null && registry.get(match.provider()) == null) {
            // An unknown provider is its 404, whatever the model.
            return CompletableFuture.completedFuture(planShaped(method, match, cfAig, clientHeaders, scanned, shaped.choices()));
        }
        if (rest == null) {
            return CompletableFuture.completedFuture(new PlanDecision.Refused(GatewayError.invalidField("model", String.format(
                    "model: dynamic/%s names a routing flow, which takes OpenAI chat completions only (expected: POST it to "
                            + "/compat/chat/completions or an OpenAI-compatible provider's chat/completions path, not %s/%s)",
                    shorten(ref), match.provider(), shorten(match.rest()))).with("flow", shorten(ref))));
        }
        Choices choices = shaped.choices();
        return flows.route(match.route(), ref, cfAig.metadata(), clientHeaders, scanned.tree()).handle((flow, t) -> {
            if (t != null) {
                return refusal(t);
            }
            try {
                DispatchPlan plan = planner.forFlow(match.route(), rest, scanned, cfAig,
                        match.accountId() == null ? Map.of() : Map.of("account_id", match.accountId()), flow);
                checkAlias(cfAig.byokAlias(), plan);
                plan.first().body();
                return new PlanDecision.Planned(KeyScope.apply(plan, method, clientHeaders), scanned, flow, choices);
            } catch (GatewayError e) {
                return new PlanDecision.Refused(e);
            }
        });
    }

    /**
     * {@code chat/completions} when {@code match} asks for OpenAI chat completions (the shape a flow
     * takes): {@code /compat}, the REST API's, or a provider path of an OpenAI-compatible provider
     * ending in {@code chat/completions}; else null.
     */
    private String chatRest(RouteMatch match) {
        if (match.restApi()) {
            return match.rest().equals("v1/chat/completions") ? "chat/completions" : null;
        }
        if (COMPAT.equals(match.provider()) && registry.get(COMPAT) == null) {
            return match.rest();
        }
        Provider provider = registry.get(match.provider());
        boolean chat = provider != null && provider.format() == WireFormat.OPENAI
                && (match.rest().equals("chat/completions") || match.rest().endsWith("/chat/completions"));
        return chat ? "chat/completions" : null;
    }

    private static String shorten(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }

    /** A Universal request whose compat steps may name flows: each is resolved, in step order, then the steps are planned. */
    private CompletableFuture<PlanDecision> universal(String method, RouteMatch match, CfAigHeaders cfAig, Headers clientHeaders, byte[] bytes) {
        RequestBody body = RequestBody.universal(bytes);
        List<UniversalStep> steps;
        try {
            steps = UniversalRequest.parse(body);
        } catch (GatewayError e) {
            return CompletableFuture.completedFuture(new PlanDecision.Refused(e));
        }
        CompletableFuture<Map<Integer, FlowRoute>> chosen = CompletableFuture.completedFuture(new LinkedHashMap<>());
        for (UniversalStep s : steps) {
            String ref = s.provider().equals(COMPAT) && registry.get(COMPAT) == null && s.queryTree().path("model").isTextual()
                    ? Flows.ref(s.queryTree().get("model").textValue()) : null;
            if (ref != null) {
                chosen = chosen.thenCompose(m -> flows.route(match.route(), ref, cfAig.metadata(), clientHeaders, s.queryTree())
                        .thenApply(f -> {
                            m.put(s.index(), f);
                            return m;
                        }));
            }
        }
        return chosen.handle((byStep, t) -> {
            if (t != null) {
                return refusal(t);
            }
            try {
                DispatchPlan plan = planner.forUniversal(match.route(), body, cfAig,
                        match.accountId() == null ? Map.of() : Map.of("account_id", match.accountId()), byStep);
                checkAlias(cfAig.byokAlias(), plan);
                plan.first().body();
                return new PlanDecision.Planned(KeyScope.apply(plan, method, clientHeaders), body, firstFlow(byStep));
            } catch (GatewayError e) {
                return new PlanDecision.Refused(e);
            }
        });
    }

    /** The flow the request's facts carry: the first step's that names one; its budgets are charged when that step answered. */
    private static FlowRoute firstFlow(Map<Integer, FlowRoute> byStep) {
        if (byStep.isEmpty()) {
            return null;
        }
        Map.Entry<Integer, FlowRoute> first = byStep.entrySet().iterator().next();
        FlowRoute f = first.getValue();
        int step = first.getKey();
        return new FlowRoute(f.flow(), f.version(), f.branch(), f.hops().subList(0, 1),
                (answered, cost) -> {
                    if (answered == step) {
                        f.charges().charge(0, cost);
                    }
                });
    }

    private static PlanDecision refusal(Throwable t) {
        Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (cause instanceof GatewayError e) {
            return new PlanDecision.Refused(e);
        }
        throw new CompletionException(cause);
    }

    private PlanDecision planOrThrow(String method, RouteMatch match, CfAigHeaders cfAig, Headers clientHeaders, byte[] bytes) {
        if (match.isRouteRoot()) {
            return planned(method, match, cfAig, clientHeaders, RequestBody.universal(bytes), Choices.NONE);
        }
        RequestShaper.Shaped shaped = shaper.shape(match.route(), cfAig, clientHeaders, bytes);
        return planned(method, match, cfAig, clientHeaders, RequestBody.scan(shaped.body(), clientHeaders.get("content-type")), shaped.choices());
    }

    /** A request already shaped (and scanned): planned without a flow. */
    private PlanDecision planShaped(String method, RouteMatch match, CfAigHeaders cfAig, Headers clientHeaders, RequestBody scanned, Choices choices) {
        try {
            return planned(method, match, cfAig, clientHeaders, scanned, choices);
        } catch (GatewayError e) {
            return new PlanDecision.Refused(e);
        }
    }

    private PlanDecision planned(String method, RouteMatch match, CfAigHeaders cfAig, Headers clientHeaders, RequestBody body, Choices choices) {
        RouteConfig route = match.route();
        Map<String, String> extra = match.accountId() == null ? Map.of() : Map.of("account_id", match.accountId());
        DispatchPlan plan;
        if (match.isRouteRoot()) {
            plan = planner.forUniversal(route, body, cfAig, extra);
        } else if (match.restApi()) {
            RestApi.Planned planned = restApi.plan(route, match.rest(), match.rawQuery(), body, cfAig, extra);
            body = planned.body();
            plan = planned.plan();
        } else if (COMPAT.equals(match.provider()) && registry.get(COMPAT) == null) {
            plan = planner.forCompat(route, match.rest(), body, cfAig, extra);
        } else {
            Provider provider = registry.require(match.provider());
            ProviderSettings settings = route.providerSettings(provider.slug(), processProviders);
            UpstreamTarget target = registry.target(provider, match.rest(), match.rawQuery(), settings, extra);
            plan = planner.forProviderPath(route, target, body, cfAig, extra);
        }
        checkAlias(cfAig.byokAlias(), plan);
        // The first target is always tried: a request its translation cannot express is refused now,
        // before any step runs. Later targets build their bodies when (if ever) they are tried.
        plan.first().body();
        return new PlanDecision.Planned(KeyScope.apply(plan, method, clientHeaders), body, choices);
    }

    /**
     * cf-aig-byok-alias picks one of the requested provider's stored keys (Cloudflare's provider
     * keys, alias "default" when absent); naming an alias it does not have is refused rather than
     * silently billed to another key. Later targets use the alias where they have it, else their default.
     */
    private static void checkAlias(String alias, DispatchPlan plan) {
        if (alias == null) {
            return;
        }
        UpstreamTarget first = plan.first().target();
        if (!first.settings().hasAlias(alias)) {
            throw GatewayError.invalidHeader("cf-aig-byok-alias", String.format(
                    "cf-aig-byok-alias: no %s key is stored under alias '%s' on this route", first.provider().slug(), alias))
                    .with("alias", alias);
        }
    }

    /** The 404 of a route root asked for anything but a Universal POST. */
    public GatewayError notUniversal(RouteConfig route) {
        return GatewayError.of(ErrorType.NOT_FOUND, "name a provider in the path, e.g. %s/openai/v1/chat/completions, "
                + "or POST a Universal request (a JSON array of steps) here", route.prefix().equals("/") ? "" : route.prefix())
                .with("known_providers", registry.slugs());
    }
}
