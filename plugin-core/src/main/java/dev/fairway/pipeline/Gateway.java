package dev.fairway.pipeline;

import static java.util.Objects.requireNonNull;

import dev.fairway.body.Offload;
import dev.fairway.body.RequestBody;
import dev.fairway.config.GatewayConfig;
import dev.fairway.config.Problems;
import dev.fairway.config.ProviderSettings;
import dev.fairway.config.RouteConfig;
import dev.fairway.error.ErrorFormat;
import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.headers.CfAigHeaderParser;
import dev.fairway.headers.CfAigHeaders;
import dev.fairway.http.Headers;
import dev.fairway.plan.DispatchPlan;
import dev.fairway.plan.KeyScope;
import dev.fairway.plan.Planner;
import dev.fairway.plan.RestApi;
import dev.fairway.provider.Provider;
import dev.fairway.provider.ProviderRegistry;
import dev.fairway.provider.UpstreamTarget;
import dev.fairway.routing.RouteMatch;
import dev.fairway.routing.RouteTable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host-neutral core: takes a request, returns a {@link Decision}. Steps 1-5 of docs/architecture.md ("One request")
 * (parse, authenticate, policy, quotas, cache lookup) happen here, identically for every host;
 * the stages supply everything after parsing, in order.
 */
public final class Gateway {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    /** The OpenAI-compatible endpoint's path segment, where a provider slug would stand. */
    private static final String COMPAT = "compat";
    /** The least part of a host's decision deadline kept free of waits (see {@link #decide(GatewayRequest, RouteConfig, long)}). */
    static final long DEADLINE_RESERVE_MS = 20;

    private final List<Stage> stages;
    private final InFlight inFlight = new InFlight();
    /** Routes, providers and planners as last loaded; swapped whole by {@link #reload}, read once per request. */
    private volatile Routing routing;

    /** What a configuration reload replaces: everything a request reads from the process's configuration. */
    private record Routing(GatewayConfig config, ProviderRegistry registry, RouteTable routes, Planner planner, RestApi restApi) {
        static Routing of(GatewayConfig config, ProviderRegistry registry) {
            Problems problems = new Problems();
            for (int i = 0; i < config.routes().size(); i++) {
                Planner.checkRoute(config.routes().get(i), registry, problems.at("routes", i));
            }
            problems.throwIfAny();
            Planner planner = new Planner(registry, config.providers(), () -> ThreadLocalRandom.current().nextDouble());
            return new Routing(config, registry, new RouteTable(config.routes()), planner,
                    new RestApi(registry, planner, config.providers()));
        }
    }

    public Gateway(GatewayConfig config, ProviderRegistry registry, List<Stage> stages) {
        this.stages = List.copyOf(requireNonNull(stages, "stages"));
        this.routing = Routing.of(requireNonNull(config, "config"), requireNonNull(registry, "registry"));
    }

    public GatewayConfig config() {
        return routing.config();
    }

    public ProviderRegistry registry() {
        return routing.registry();
    }

    public List<Stage> stages() {
        return stages;
    }

    /** Exchanges opened and not yet completed; a graceful stop waits for them. */
    public InFlight inFlight() {
        return inFlight;
    }

    /**
     * Serves new requests with {@code config}'s routes, providers (keys included) and custom
     * providers; requests already decided keep what they were decided with. The caller validated
     * {@code config} as a whole; this checks what only a running gateway can (routes against the
     * provider registry) and leaves the running configuration in place when that fails.
     *
     * @throws dev.fairway.config.ConfigException naming every route field at fault
     */
    public void reload(GatewayConfig config) {
        requireNonNull(config, "config");
        routing = Routing.of(config, ProviderRegistry.withCustom(config.customProviders()));
    }

    /**
     * The body limit of the route that serves {@code rawTarget} ({@code max_body_bytes}), or -1 when
     * no route does: the standalone server enforces it while reading, before the whole body is in.
     */
    public long bodyLimit(String rawTarget, String gatewayIdHeader) {
        try {
            return routing.routes().match(rawTarget, gatewayIdHeader).route().maxBodyBytes();
        } catch (GatewayError e) {
            return -1;
        }
    }

    /** Decides a request on the process's own routes (the standalone gateway). */
    public CompletableFuture<Decision> decide(GatewayRequest request) {
        RouteMatch match;
        try {
            match = routing.routes().match(request.target(), request.headers().get("cf-aig-gateway-id"));
        } catch (GatewayError e) {
            return CompletableFuture.completedFuture(errorAnswer(e, ErrorFormat.FAIRWAY));
        }
        return decide(request, match);
    }

    /**
     * Decides a request on a route the host configured (a Kong plugin instance, an APISIX conf, an
     * Envoy route): the path is matched within that route only.
     */
    public CompletableFuture<Decision> decide(GatewayRequest request, RouteConfig route) {
        return decide(request, route, 0);
    }

    /**
     * Decides a request on a route the host configured, for a host that stops waiting for the
     * decision after {@code withinMillis} (Envoy's message_timeout). Waits inside the decision
     * that could outlast it (an identical request already upstream) end early and the request goes
     * on without them, leaving a fifth of the time, at least {@value #DEADLINE_RESERVE_MS} ms, for
     * the rest of the decision and the host's own timer to be late.
     *
     * @param withinMillis the host's deadline; 0 for none
     */
    public CompletableFuture<Decision> decide(GatewayRequest request, RouteConfig route, long withinMillis) {
        long start = System.nanoTime();
        RouteMatch match;
        try {
            match = RouteTable.forHostRoute(route).match(request.target(), request.headers().get("cf-aig-gateway-id"));
        } catch (GatewayError e) {
            return CompletableFuture.completedFuture(errorAnswer(e, route.errors()));
        }
        long waitsEndBy = 0;
        if (withinMillis > 0) {
            long reserve = Math.max(DEADLINE_RESERVE_MS, withinMillis / 5);
            waitsEndBy = start + Math.max(0, withinMillis - reserve) * 1_000_000L;
        }
        return decide(request, match, waitsEndBy);
    }

    private CompletableFuture<Decision> decide(GatewayRequest request, RouteMatch match) {
        return decide(request, match, 0);
    }

    private CompletableFuture<Decision> decide(GatewayRequest request, RouteMatch match, long waitsEndBy) {
        return Offload.bySize(request.body().length, () -> decideHere(request, match, waitsEndBy));
    }

    private CompletableFuture<Decision> decideHere(GatewayRequest request, RouteMatch match, long waitsEndBy) {
        Exchange exchange;
        try {
            exchange = open(request, match);
        } catch (GatewayError e) {
            return CompletableFuture.completedFuture(errorAnswer(e, match.route().errors()));
        } catch (RuntimeException e) {
            // A decision is always an answer: a thrown one would leave the host's request unanswered.
            LOG.error("request on route {} failed while opening", match.route().name(), e);
            return CompletableFuture.completedFuture(errorAnswer(GatewayError.of(ErrorType.INTERNAL, "the gateway failed to process the request"), match.route().errors()));
        }
        exchange.waitsEndBy(waitsEndBy);
        for (int i = 0; i < stages.size(); i++) {
            Stage stage = stages.get(i);
            try {
                exchange.addStep(stage.open(exchange));
            } catch (GatewayError e) {
                openRecorders(exchange, i + 1);
                return answered(exchange, Decision.Answer.error(e));
            } catch (RuntimeException e) {
                openRecorders(exchange, i + 1);
                return internalError(exchange, stage.name(), e);
            }
        }
        return runSteps(exchange, 0).exceptionallyCompose(t -> {
            Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
            if (cause instanceof GatewayError e) {
                return answered(exchange, Decision.Answer.error(e));
            }
            return internalError(exchange, "a stage", cause);
        });
    }

    private static CompletableFuture<Decision> internalError(Exchange exchange, String where, Throwable cause) {
        LOG.error("request {} failed in {}", exchange.logId(), where, cause);
        return answered(exchange, Decision.Answer.error(GatewayError.of(ErrorType.INTERNAL, "the gateway failed to process the request")));
    }

    private Exchange open(GatewayRequest request, RouteMatch match) {
        Routing routing = this.routing;
        ProviderRegistry registry = routing.registry();
        Planner planner = routing.planner();
        RouteConfig route = match.route();
        boolean universal = match.isRouteRoot() && request.method().equals("POST");
        if (match.isRouteRoot() && !universal) {
            throw GatewayError.of(ErrorType.NOT_FOUND, "name a provider in the path, e.g. %s/openai/v1/chat/completions, "
                    + "or POST a Universal request (a JSON array of steps) here", route.prefix().equals("/") ? "" : route.prefix())
                    .with("known_providers", registry.slugs());
        }
        CfAigHeaders cfAig = CfAigHeaderParser.parse(request.headers(), route.strictHeaders());
        if (request.body().length > route.maxBodyBytes()) {
            throw GatewayError.of(ErrorType.PAYLOAD_TOO_LARGE, "request body: %d bytes (expected: at most %d)",
                    request.body().length, route.maxBodyBytes()).with("limit", route.maxBodyBytes());
        }
        Map<String, String> extra = match.accountId() == null ? Map.of() : Map.of("account_id", match.accountId());
        DispatchPlan plan;
        RequestBody body;
        if (universal) {
            body = RequestBody.universal(request.body());
            plan = planner.forUniversal(route, body, cfAig, extra);
        } else if (match.restApi()) {
            RestApi.Planned planned = routing.restApi().plan(route, match.rest(), match.rawQuery(),
                    RequestBody.scan(request.body(), request.headers().get("content-type")), cfAig, extra);
            body = planned.body();
            plan = planned.plan();
        } else if (COMPAT.equals(match.provider()) && registry.get(COMPAT) == null) {
            body = RequestBody.scan(request.body(), request.headers().get("content-type"));
            plan = planner.forCompat(route, match.rest(), body, cfAig, extra);
        } else {
            Provider provider = registry.require(match.provider());
            body = RequestBody.scan(request.body(), request.headers().get("content-type"));
            ProviderSettings settings = route.providerSettings(provider.slug(), routing.config().providers());
            UpstreamTarget target = registry.target(provider, match.rest(), match.rawQuery(), settings, extra);
            plan = planner.forProviderPath(route, target, body, cfAig, extra);
        }
        checkAlias(cfAig.byokAlias(), plan);
        plan = KeyScope.apply(plan, request.method(), request.headers());
        Exchange exchange = new Exchange(request.method(), match, cfAig, request.headers(), body, request.hostConsumer(), plan);
        inFlight.enter();
        exchange.onCompleted(inFlight::leave);
        return exchange;
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

    /** After a refusal while opening: the stages that only record still see the exchange end. */
    private void openRecorders(Exchange exchange, int from) {
        for (int i = from; i < stages.size(); i++) {
            Stage stage = stages.get(i);
            if (stage.recordsOnly()) {
                try {
                    exchange.addStep(stage.open(exchange));
                } catch (RuntimeException e) {
                    LOG.warn("recording stage {} failed to open: {}", stage.name(), e.toString());
                }
            }
        }
    }

    private CompletableFuture<Decision> runSteps(Exchange exchange, int index) {
        List<Step> steps = exchange.steps();
        if (index == steps.size()) {
            return CompletableFuture.completedFuture(new Decision.Forward(exchange));
        }
        return steps.get(index).beforeDispatch().thenCompose(verdict -> verdict instanceof Verdict.Answer a
                ? answered(exchange, a.answer())
                : runSteps(exchange, index + 1));
    }

    /**
     * An answer the gateway gives itself; the exchange is complete once it is decided, and the
     * answer is handed out once the steps that hold it (a durable record) are done.
     */
    private static CompletableFuture<Decision> answered(Exchange exchange, Decision.Answer gatewayWorded) {
        Decision.Answer answer = gatewayWorded.in(exchange.route().errors());
        Headers headers = Headers.copyOf(answer.headers()).setAll(exchange.responseHeaders());
        Decision.Answer withHeaders = new Decision.Answer(answer.status(), headers, answer.body(), answer.errorType(), answer.gatewayError());
        boolean cached = "HIT".equals(headers.get("cf-aig-cache-status"));
        long elapsed = exchange.elapsedNanos();
        return exchange.complete(new Completion(answer.status(), cached, false, 0, 0, elapsed, elapsed,
                answer.body().length, null, null, answer.errorType())).thenApply(v -> withHeaders);
    }

    /** An error before any exchange exists (no route, bad header): still carries a log id. */
    private static Decision errorAnswer(GatewayError e, ErrorFormat format) {
        Decision.Answer a = Decision.Answer.error(e).in(format);
        a.headers().set("cf-aig-log-id", Ids.logId());
        return a;
    }
}
