package dev.fairway.plan;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fairway.body.RequestBody;
import dev.fairway.config.Problems;
import dev.fairway.config.ProviderSettings;
import dev.fairway.config.RouteConfig;
import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.headers.CfAigHeaders;
import dev.fairway.http.Headers;
import dev.fairway.policy.Policy;
import dev.fairway.policy.PolicyDecision;
import dev.fairway.provider.Provider;
import dev.fairway.provider.ProviderRegistry;
import dev.fairway.provider.UpstreamTarget;
import dev.fairway.provider.WireFormat;
import dev.fairway.retry.RetryPolicy;
import dev.fairway.translate.ChatTranslator;
import dev.fairway.translate.Translators;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleSupplier;

/**
 * Decides which targets a request tries, in order: the one the client asked for, then the route's
 * fallback chain; or the steps of a Universal request; or, for {@code /compat}, the provider the
 * model names. Every target, the first included, passes the route's policy in one decision
 * ({@code judged}): a forbidden one is skipped, never called; a request whose every target is
 * forbidden is refused 403.
 */
public final class Planner {
    /** The OpenAI-compatible endpoint's name, as a path segment or a Universal step's provider. */
    private static final String COMPAT = "compat";
    /** Universal steps move on after any error status, as Cloudflare's fallbacks do. */
    private static final Set<Integer> ANY_ERROR = java.util.stream.IntStream.rangeClosed(400, 599).boxed().collect(java.util.stream.Collectors.toUnmodifiableSet());

    private final ProviderRegistry registry;
    private final Map<String, ProviderSettings> processProviders;
    private final DoubleSupplier random;
    private final TargetPools pools;

    public Planner(ProviderRegistry registry, Map<String, ProviderSettings> processProviders, DoubleSupplier random) {
        this(registry, processProviders, random, TargetPools.NONE);
    }

    /** @param pools expands a target whose provider is a pool on the route into its members */
    public Planner(ProviderRegistry registry, Map<String, ProviderSettings> processProviders, DoubleSupplier random, TargetPools pools) {
        this.registry = requireNonNull(registry, "registry");
        this.processProviders = requireNonNull(processProviders, "processProviders");
        this.random = requireNonNull(random, "random");
        this.pools = requireNonNull(pools, "pools");
    }

    /** Config-load check: every fallback target names a known provider. */
    public static void checkRoute(RouteConfig route, ProviderRegistry registry, Problems problems) {
        List<FallbackTarget> targets = route.fallback().targets();
        for (int i = 0; i < targets.size(); i++) {
            String slug = targets.get(i).provider();
            if (slug != null && registry.get(slug) == null) {
                problems.at("fallback").at("targets", i).add("provider", "unknown provider %s (known: %s)", slug, String.join(", ", registry.slugs()));
            }
        }
    }

    /** A provider path: the requested target, then the fallback chain in the same API (or translated from OpenAI chat). */
    public DispatchPlan forProviderPath(RouteConfig route, UpstreamTarget requested, RequestBody body, CfAigHeaders cfAig,
                                        Map<String, String> extraVars) {
        // The path names what is served (an Azure deployment, a Google or Bedrock model); a body's model there is only a hint.
        String model = served(requested, body.model());
        boolean stream = body.stream() || requested.pathStreams();
        RetryPolicy retry = RetryPolicy.of(route.retry(), cfAig, random);
        List<PlannedTarget> targets = new ArrayList<>();
        targets.add(new PlannedTarget(0, requested, model, stream, null, null, new Headers(), null, retry));
        List<String> skipped = new ArrayList<>();
        boolean openAiChat = requested.provider().format() == WireFormat.OPENAI && requested.apiPath().endsWith("chat/completions");
        addFallbacks(route, targets, skipped, requested, model, stream, body, openAiChat ? lazyChat(body) : null, retry, extraVars);
        return plan(route, targets, skipped);
    }

    /** {@code /compat/chat/completions}: OpenAI chat in, {@code model: "provider/model"} picks the target. */
    public DispatchPlan forCompat(RouteConfig route, String rest, RequestBody body, CfAigHeaders cfAig, Map<String, String> extraVars) {
        if (!rest.equals("chat/completions")) {
            throw GatewayError.of(ErrorType.NOT_FOUND, "the compat endpoint is /compat/chat/completions").with("path", "compat/" + rest);
        }
        ObjectNode chat = body.tree();
        if (chat == null) {
            throw GatewayError.invalidField("body", "compat: expected an OpenAI chat-completions JSON body");
        }
        String named = body.model();
        int slash = named == null ? -1 : named.indexOf('/');
        if (slash <= 0 || slash == named.length() - 1) {
            throw GatewayError.invalidField("model", "model: expected provider/model, such as anthropic/claude-sonnet-4-5");
        }
        Provider provider = registry.require(named.substring(0, slash));
        String model = named.substring(slash + 1);
        if (PathModel.inPath(provider)) {
            PathModel.check("model", provider, model);
        }
        ChatTranslator translator = Translators.fromOpenAiChat(provider.format());
        if (translator == null) {
            throw GatewayError.invalidField("model", String.format("model: %s speaks %s, which /compat cannot translate to (expected: an OpenAI-compatible, Anthropic, Google or Cohere provider)",
                    provider.slug(), provider.format().name().toLowerCase(java.util.Locale.ROOT)));
        }
        RetryPolicy retry = RetryPolicy.of(route.retry(), cfAig, random);
        ProviderSettings settings = route.providerSettings(provider.slug(), processProviders);
        PlannedTarget first = translated(0, provider, model, settings, translator, chat, null, retry, extraVars);
        List<PlannedTarget> targets = new ArrayList<>();
        targets.add(first);
        List<String> skipped = new ArrayList<>();
        addFallbacks(route, targets, skipped, first.target(), model, first.stream(), body, () -> chat, retry, extraVars);
        return plan(route, targets, skipped);
    }

    /**
     * A routing flow's choice ({@code model: "dynamic/<flow>"}, OpenAI chat in): each model the flow
     * reached is a target, in order, with its element's timeout and retries; as with a model
     * element's {@code fallback} output on Cloudflare, any error moves on to the next. A model this
     * request cannot be translated for is skipped and named in the plan's skipped list.
     */
    public DispatchPlan forFlow(RouteConfig route, String rest, RequestBody body, CfAigHeaders cfAig, Map<String, String> extraVars,
                                FlowRoute flow) {
        if (!rest.equals("chat/completions")) {
            throw GatewayError.of(ErrorType.NOT_FOUND, "a flow serves chat completions: /compat/chat/completions").with("path", "compat/" + rest);
        }
        ObjectNode chat = body.tree();
        if (chat == null) {
            throw GatewayError.invalidField("body", "compat: expected an OpenAI chat-completions JSON body");
        }
        RetryPolicy base = RetryPolicy.of(route.retry(), cfAig, random);
        List<PlannedTarget> targets = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (int i = 0; i < flow.hops().size(); i++) {
            ModelHop hop = flow.hops().get(i);
            Provider provider = registry.get(hop.provider());
            ChatTranslator translator = provider == null ? null : Translators.fromOpenAiChat(provider.format());
            if (translator == null || (PathModel.inPath(provider) && !PathModel.isSafe(provider, hop.model()))) {
                skipped.add("step " + i + " (" + hop.provider() + "/" + hop.model() + ", element " + hop.node() + "): not a provider and model this gateway can call");
                continue;
            }
            RetryPolicy retry = hop.retries() == null ? base : base.withMaxAttempts(hop.retries() + 1);
            targets.add(translated(i, provider, hop.model(), route.providerSettings(provider.slug(), processProviders), translator, chat,
                    hop.timeoutMs(), retry, extraVars));
        }
        if (targets.isEmpty()) {
            throw GatewayError.invalidField("model", "model: flow " + flow.flow() + " reached no model this gateway can call: " + String.join("; ", skipped));
        }
        return judged(route, targets, skipped, ANY_ERROR, Map.of());
    }

    /**
     * The Universal endpoint: POST to the route root with a JSON array of steps (or one step), tried in
     * order. As on Cloudflare, any error of a step (a 4xx or 5xx, a timeout, a connection failure)
     * moves on to the next; a step's {@code config.fallbackOn} narrows which statuses do.
     */
    public DispatchPlan forUniversal(RouteConfig route, RequestBody body, CfAigHeaders cfAig, Map<String, String> extraVars) {
        return forUniversal(route, body, cfAig, extraVars, Map.of());
    }

    /**
     * As above, with the routing flows' choices for the compat steps whose model is {@code dynamic/<flow>}
     * (by step index): such a step is served by the first model its flow reached, with that element's
     * timeout and retries unless the step sets its own. The Universal steps stay the fallback chain.
     */
    public DispatchPlan forUniversal(RouteConfig route, RequestBody body, CfAigHeaders cfAig, Map<String, String> extraVars,
                                     Map<Integer, FlowRoute> flows) {
        List<UniversalStep> steps = UniversalRequest.parse(body);
        RetryPolicy base = RetryPolicy.of(route.retry(), cfAig, random);
        List<PlannedTarget> targets = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        Map<Integer, Set<Integer>> narrowed = new HashMap<>();
        for (UniversalStep s : steps) {
            ModelHop hop = flows.containsKey(s.index()) ? flows.get(s.index()).hops().get(0) : null;
            Compat compat = s.provider().equals(COMPAT) && registry.get(COMPAT) == null ? compat(s, hop) : null;
            Provider provider = compat != null ? compat.provider() : registry.get(s.provider());
            if (provider == null) {
                throw UniversalRequest.bad(s.index(), "provider", "unknown provider " + s.provider() + " (known: " + String.join(", ", registry.slugs()) + ", compat)");
            }
            UpstreamTarget target = null;
            String model = compat != null ? compat.model() : null;
            if (compat == null) {
                int q = s.endpoint().indexOf('?');
                String endpoint = q < 0 ? s.endpoint() : s.endpoint().substring(0, q);
                target = registry.target(provider, endpoint, q < 0 ? null : s.endpoint().substring(q + 1),
                        route.providerSettings(provider.slug(), processProviders), extraVars);
                model = served(target, body.part(s.query(), s.queryTree()).model());
            }
            RetryPolicy retry = base;
            if (s.maxAttempts() != null) {
                retry = retry.withMaxAttempts(s.maxAttempts());
            } else if (hop != null && hop.retries() != null) {
                retry = retry.withMaxAttempts(hop.retries() + 1);
            }
            Integer timeout = s.requestTimeout() != null || hop == null ? s.requestTimeout() : hop.timeoutMs();
            if (s.retryDelay() != null || s.backoff() != null) {
                retry = retry.withDelay(s.retryDelay() != null ? s.retryDelay() : route.retry().retryDelayMs(), s.backoff());
            }
            if (s.fallbackOn() != null) {
                narrowed.put(s.index(), s.fallbackOn());
            }
            if (compat != null) {
                PlannedTarget t = translated(s.index(), provider, model, route.providerSettings(provider.slug(), processProviders),
                        compat.translator(), compat.chat(), timeout, retry, extraVars);
                targets.add(new PlannedTarget(t.step(), t.target(), t.model(), t.stream(), t.translator(), t.lazyBody(),
                        Headers.copyOf(t.headers()).setAll(s.headers()), t.timeoutMs(), t.retry()));
                continue;
            }
            boolean stream = body.part(s.query(), s.queryTree()).stream() || target.pathStreams();
            targets.add(new PlannedTarget(s.index(), target, model, stream, null, LazyBody.built(s.query()),
                    s.headers(), s.requestTimeout(), retry));
        }
        return judged(route, targets, skipped, ANY_ERROR, narrowed);
    }

    /** A Universal step with {@code provider: "compat"}: OpenAI chat in {@code query}, {@code model: "provider/model"}. */
    private record Compat(Provider provider, String model, ChatTranslator translator, ObjectNode chat) {}

    private Compat compat(UniversalStep s, ModelHop hop) {
        if (!s.endpoint().equals("chat/completions")) {
            throw UniversalRequest.bad(s.index(), "endpoint", s.endpoint() + " (expected: chat/completions for provider compat)");
        }
        ObjectNode chat = s.queryTree();
        String named = hop != null ? hop.provider() + "/" + hop.model()
                : chat == null || !chat.path("model").isTextual() ? null : chat.get("model").textValue();
        int slash = named == null ? -1 : named.indexOf('/');
        if (slash <= 0 || slash == named.length() - 1) {
            throw UniversalRequest.bad(s.index(), "query.model", "expected provider/model, such as anthropic/claude-sonnet-4-5");
        }
        Provider provider = registry.get(named.substring(0, slash));
        ChatTranslator translator = provider == null ? null : Translators.fromOpenAiChat(provider.format());
        if (translator == null) {
            throw UniversalRequest.bad(s.index(), "query.model", named.substring(0, slash)
                    + " is not a provider /compat can translate to (expected: an OpenAI-compatible, Anthropic or Google provider)");
        }
        return new Compat(provider, named.substring(slash + 1), translator, chat);
    }

    private interface ChatSource {
        ObjectNode get();
    }

    /** The body's chat, shared: the view parses it once, if a translated fallback ever asks. */
    private static ChatSource lazyChat(RequestBody body) {
        return body::tree;
    }

    private void addFallbacks(RouteConfig route, List<PlannedTarget> targets, List<String> skipped, UpstreamTarget requested,
                              String requestedModel, boolean stream, RequestBody body, ChatSource chat, RetryPolicy retry,
                              Map<String, String> extraVars) {
        List<FallbackTarget> chain = route.fallback().targets();
        if (chain.isEmpty()) {
            return;
        }
        boolean translatedRequest = !targets.isEmpty() && targets.get(0).translator() != null;
        for (int i = 0; i < chain.size(); i++) {
            FallbackTarget ft = chain.get(i);
            int step = i + 1;
            Provider provider = registry.get(ft.provider());
            String model = ft.model() != null ? ft.model() : requestedModel;
            if (provider == null) {
                // Routes a host configures at run time are not checked at load; say why the target is missing.
                skipped.add("step " + step + " (" + ft.provider() + "): unknown provider");
                continue;
            }
            ProviderSettings settings = route.providerSettings(provider.slug(), processProviders);
            if (ft.apiKey() != null) {
                settings = settings.withOnlyKey(ft.apiKey());
            }
            if (!translatedRequest && provider.format() == requested.provider().format()) {
                UpstreamTarget t = registry.targetForApiPath(provider, requested.apiPath(), requested.uri().getRawQuery(), settings, extraVars);
                LazyBody renamed = ft.model() != null && body.json() && !ft.model().equals(requestedModel)
                        ? LazyBody.of(() -> body.withModel(ft.model()).bytes()) : null;
                String served = served(t, model);
                targets.add(new PlannedTarget(step, t, served, stream, null, renamed, new Headers(), ft.timeoutMs(), retry));
                continue;
            }
            ChatTranslator translator = Translators.fromOpenAiChat(provider.format());
            ObjectNode request = chat == null ? null : chat.get();
            if (translator == null || request == null) {
                skipped.add("step " + step + " (" + provider.slug() + "/" + model + "): no translation from this request's API to "
                        + provider.format().name().toLowerCase(java.util.Locale.ROOT));
                continue;
            }
            if (PathModel.inPath(provider) && !PathModel.isSafe(provider, model)) {
                // The client's model would be written into this target's path: it must be one safe segment.
                skipped.add("step " + step + " (" + provider.slug() + "): the model is not a single path segment");
                continue;
            }
            targets.add(translated(step, provider, model, settings, translator, request, ft.timeoutMs(), retry, extraVars));
        }
    }

    /** The model {@code t} really serves: the one its path names when it names one, else the body's. */
    private static String served(UpstreamTarget t, String bodyModel) {
        return t.pathModel() != null ? t.pathModel() : bodyModel;
    }

    private PlannedTarget translated(int step, Provider provider, String model, ProviderSettings settings, ChatTranslator translator,
                                     ObjectNode chat, Integer timeoutMs, RetryPolicy retry, Map<String, String> extraVars) {
        // Only where the call goes is needed now; the body is translated when the target is tried.
        ChatTranslator.Route call = translator.route(chat, model);
        int q = call.path().indexOf('?');
        UpstreamTarget t = registry.targetForModel(provider, model, q < 0 ? call.path() : call.path().substring(0, q),
                q < 0 ? null : call.path().substring(q + 1), settings, extraVars);
        Headers headers = Headers.fromMap(call.headers());
        String served = served(t, model);
        LazyBody body = LazyBody.of(() -> translator.request(chat, model).body());
        return new PlannedTarget(step, t, served, call.stream(), translator, body, headers, timeoutMs, retry);
    }

    private DispatchPlan plan(RouteConfig route, List<PlannedTarget> targets, List<String> skipped) {
        DispatchPlan judged = judged(route, targets, skipped, new HashSet<>(route.fallback().onStatus()), Map.of());
        if (route.pools().isEmpty()) {
            return judged;
        }
        // A pool's members share their target's step and policy decision; each is tried before the next target.
        List<PlannedTarget> expanded = new ArrayList<>();
        for (PlannedTarget t : judged.targets()) {
            expanded.addAll(pools.expand(route, t));
        }
        return new DispatchPlan(expanded, judged.fallbackOn(), judged.breaker(), judged.skipped(), judged.stepFallbackOn());
    }

    /**
     * The one policy decision of a request: the route's policy over every candidate, the first
     * included. A refused target leaves the plan (named in its skipped list) and is never called;
     * when none is left, the request is refused with the first target's refusal (a 403 naming the rule).
     */
    private static DispatchPlan judged(RouteConfig route, List<PlannedTarget> candidates, List<String> skipped,
                                       Set<Integer> fallbackOn, Map<Integer, Set<Integer>> stepFallbackOn) {
        Policy policy = Policy.of(route.policy());
        if (policy.isUnrestricted()) {
            return new DispatchPlan(candidates, fallbackOn, route.circuitBreaker(), skipped, stepFallbackOn);
        }
        List<PlannedTarget> allowed = new ArrayList<>(candidates.size());
        PolicyDecision firstRefusal = null;
        for (PlannedTarget t : candidates) {
            PolicyDecision d = policy.check(t.target().provider(), t.model());
            if (d.isAllowed()) {
                allowed.add(t);
                continue;
            }
            skipped.add("step " + t.step() + " (" + t.target().provider().slug() + "/" + t.model() + "): forbidden by policy rule " + d.rule());
            firstRefusal = firstRefusal == null ? d : firstRefusal;
        }
        if (allowed.isEmpty()) {
            throw firstRefusal.toError();
        }
        return new DispatchPlan(allowed, fallbackOn, route.circuitBreaker(), skipped, stepFallbackOn);
    }
}
