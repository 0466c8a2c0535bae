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
import dev.fairway.routing.RouteMatch;
import java.util.Map;

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
    private final RequestShaper shaper;

    public Planning(ProviderRegistry registry, Map<String, ProviderSettings> processProviders, Planner planner) {
        this(registry, processProviders, planner, RequestShaper.NONE);
    }

    /** @param shaper renders a named prompt and applies experiments before the targets are planned */
    public Planning(ProviderRegistry registry, Map<String, ProviderSettings> processProviders, Planner planner, RequestShaper shaper) {
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

    private PlanDecision planOrThrow(String method, RouteMatch match, CfAigHeaders cfAig, Headers clientHeaders, byte[] bytes) {
        RouteConfig route = match.route();
        Map<String, String> extra = match.accountId() == null ? Map.of() : Map.of("account_id", match.accountId());
        String contentType = clientHeaders.get("content-type");
        DispatchPlan plan;
        RequestBody body;
        Choices choices = Choices.NONE;
        if (!match.isRouteRoot()) {
            RequestShaper.Shaped shaped = shaper.shape(route, cfAig, clientHeaders, bytes);
            bytes = shaped.body();
            choices = shaped.choices();
        }
        if (match.isRouteRoot()) {
            body = RequestBody.universal(bytes);
            plan = planner.forUniversal(route, body, cfAig, extra);
        } else if (match.restApi()) {
            RestApi.Planned planned = restApi.plan(route, match.rest(), match.rawQuery(), RequestBody.scan(bytes, contentType), cfAig, extra);
            body = planned.body();
            plan = planned.plan();
        } else if (COMPAT.equals(match.provider()) && registry.get(COMPAT) == null) {
            body = RequestBody.scan(bytes, contentType);
            plan = planner.forCompat(route, match.rest(), body, cfAig, extra);
        } else {
            Provider provider = registry.require(match.provider());
            body = RequestBody.scan(bytes, contentType);
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
