package dev.fairway.pipeline;

import static java.util.Objects.requireNonNull;

import dev.fairway.auth.Authenticator;
import dev.fairway.body.Offload;
import dev.fairway.body.RequestBody;
import dev.fairway.config.GatewayConfig;
import dev.fairway.config.Problems;
import dev.fairway.config.RouteConfig;
import dev.fairway.error.ErrorFormat;
import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.headers.CfAigHeaderParser;
import dev.fairway.headers.CfAigHeaders;
import dev.fairway.http.Headers;
import dev.fairway.plan.Flows;
import dev.fairway.plan.PlanDecision;
import dev.fairway.plan.Planner;
import dev.fairway.plan.Planning;
import dev.fairway.plan.RequestShaper;
import dev.fairway.plan.TargetPools;
import dev.fairway.policy.PolicyCheck;
import dev.fairway.provider.ProviderRegistry;
import dev.fairway.routing.RouteMatch;
import dev.fairway.routing.RouteTable;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host-neutral core: takes a request, returns a {@link Decision}. Steps 1-5 of docs/architecture.md ("One request")
 * happen here, identically for every host, each decided once: match the route and parse the
 * headers, authenticate, plan every target under the route's policy ({@link Planning}), then the
 * deciding stages (guardrails, quotas, cache) in order. Refusals are answers, never exceptions; the
 * recording stages (analytics, logs) are attached to every exchange as it opens and see every ending.
 */
public final class Gateway {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    /** The least part of a host's decision deadline kept free of waits (see {@link #decide(GatewayRequest, RouteConfig, long)}). */
    static final long DEADLINE_RESERVE_MS = 20;
    /** Which routing flow, version and branch chose the model ({@code <flow>@<version>; branch=<element>}). */
    public static final String FLOW_HEADER = "fairway-flow";

    private final List<Stage> stages;
    /** The stages that may answer or change a request, in order; opened once it is authenticated and planned. */
    private final List<Stage> deciders;
    /** The stages that only record how exchanges end (analytics, logs): attached to every exchange as it opens. */
    private final List<Stage> recorders;
    private final Authenticator authenticator = new Authenticator();
    private final InFlight inFlight = new InFlight();
    private final TargetPools pools;
    private final RequestShaper shaper;
    /** Routes, providers and planners as last loaded; swapped whole by {@link #reload}, read once per request. */
    private volatile Routing routing;
    /** The routing flows {@code model: "dynamic/<flow>"} names; they outlive reloads (admin-created versions). */
    private final Flows flows;

    /** What a configuration reload replaces: everything a request reads from the process's configuration. */
    private record Routing(GatewayConfig config, ProviderRegistry registry, RouteTable routes, Planning planning) {
        static Routing of(GatewayConfig config, ProviderRegistry registry, Flows flows, TargetPools pools, RequestShaper shaper) {
            Problems problems = new Problems();
            for (int i = 0; i < config.routes().size(); i++) {
                Planner.checkRoute(config.routes().get(i), registry, problems.at("routes", i));
                PolicyCheck.checkProviders(config.routes().get(i), registry, problems.at("routes", i));
            }
            problems.throwIfAny();
            Planner planner = new Planner(registry, config.providers(), () -> ThreadLocalRandom.current().nextDouble(), pools);
            return new Routing(config, registry, new RouteTable(config.routes()), new Planning(registry, config.providers(), planner, flows, shaper));
        }
    }

    public Gateway(GatewayConfig config, ProviderRegistry registry, List<Stage> stages) {
        this(config, registry, stages, Flows.NONE, TargetPools.NONE, RequestShaper.NONE);
    }

    /** @param flows the routing flows; loaded from {@code config} now and on every {@link #reload} */
    public Gateway(GatewayConfig config, ProviderRegistry registry, List<Stage> stages, Flows flows) {
        this(config, registry, stages, flows, TargetPools.NONE, RequestShaper.NONE);
    }

    public Gateway(GatewayConfig config, ProviderRegistry registry, List<Stage> stages, TargetPools pools, RequestShaper shaper) {
        this(config, registry, stages, Flows.NONE, pools, shaper);
    }

    /**
     * @param flows the routing flows; loaded from {@code config} now and on every {@link #reload}
     * @param pools the routes' pools of members, whose figures outlive reloads
     * @param shaper renders named prompts and applies experiments before planning
     */
    public Gateway(GatewayConfig config, ProviderRegistry registry, List<Stage> stages, Flows flows, TargetPools pools,
                   RequestShaper shaper) {
        this.flows = requireNonNull(flows, "flows");
        this.stages = List.copyOf(requireNonNull(stages, "stages"));
        this.deciders = this.stages.stream().filter(s -> !s.recordsOnly()).toList();
        this.recorders = this.stages.stream().filter(Stage::recordsOnly).toList();
        this.pools = requireNonNull(pools, "pools");
        this.shaper = requireNonNull(shaper, "shaper");
        this.routing = Routing.of(requireNonNull(config, "config"), requireNonNull(registry, "registry"), flows, pools, shaper);
        flows.load(config, registry);
    }

    public GatewayConfig config() {
        return routing.config();
    }

    public ProviderRegistry registry() {
        return routing.registry();
    }

    /** What renders named prompts and applies experiments before planning. */
    public RequestShaper shaper() {
        return shaper;
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
        ProviderRegistry registry = ProviderRegistry.withCustom(config.customProviders());
        Routing next = Routing.of(config, registry, flows, pools, shaper);
        flows.load(config, registry);
        routing = next;
        shaper.reloaded(config);
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

    /** Whether {@code rawTarget} is the root of one of the process's routes (where Universal requests go). */
    public boolean isRouteRoot(String rawTarget, String gatewayIdHeader) {
        try {
            return routing.routes().match(rawTarget, gatewayIdHeader).isRouteRoot();
        } catch (GatewayError e) {
            return false;
        }
    }

    /**
     * Authenticates a connection that will carry requests of its own (Cloudflare's WebSockets API at
     * a route root), before it is opened: null when its client may connect, else the refusal (a
     * 401, a bad header on a strict route), with a log id. Each request it carries is then decided
     * in full, authentication included.
     */
    public Decision.Answer refuseConnection(GatewayRequest request) {
        try {
            RouteMatch match = routing.routes().match(request.target(), request.headers().get("cf-aig-gateway-id"));
            CfAigHeaders cfAig = CfAigHeaderParser.parse(request.headers(), match.route().strictHeaders());
            Authenticator.Outcome who = authenticator.authenticate(match.route(), cfAig, request.hostConsumer(), Ids.logId());
            return who.refusal() == null ? null : (Decision.Answer) errorAnswer(who.refusal(), match.route().errors());
        } catch (GatewayError e) {
            return (Decision.Answer) errorAnswer(e, ErrorFormat.FAIRWAY);
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
        Routing routing = this.routing;
        Exchange exchange = null;
        try {
            exchange = open(request, match, routing);
            exchange.waitsEndBy(waitsEndBy);
            return decide(exchange, request, routing);
        } catch (GatewayError e) {
            if (exchange == null) {
                // A request no exchange is opened for (see open): answered at once, with a log id.
                return CompletableFuture.completedFuture(errorAnswer(e, match.route().errors()));
            }
            return internalError(exchange, e);
        } catch (RuntimeException e) {
            // Refusals are decisions, so anything else thrown is a fault: a decision is always an
            // answer (a thrown one would leave the host's request unanswered), carrying a log id.
            if (exchange == null) {
                LOG.error("request on route {} failed while opening", match.route().name(), e);
                return CompletableFuture.completedFuture(errorAnswer(GatewayError.of(ErrorType.INTERNAL,
                        "the gateway failed to process the request"), match.route().errors()));
            }
            return internalError(exchange, e);
        }
    }

    /** Authenticate, plan every target under the route's policy, then let the stages decide, in order. */
    private CompletableFuture<Decision> decide(Exchange exchange, GatewayRequest request, Routing routing) {
        Authenticator.Outcome who = authenticator.authenticate(exchange.route(), exchange.cfAig(), request.hostConsumer(), exchange.logId());
        if (who.refusal() != null) {
            return answered(exchange, Decision.Answer.error(who.refusal()));
        }
        if (who.identity() != null) {
            exchange.facts().clientIdentity(who.identity());
        }
        return routing.planning().decide(request.method(), exchange.match(), exchange.cfAig(), request.headers(), request.body())
                .thenCompose(decision -> planned(exchange, decision))
                .exceptionallyCompose(t -> internalError(exchange, t instanceof CompletionException && t.getCause() != null ? t.getCause() : t));
    }

    /** The stages, in order, once the request is planned (or its refusal, answered). */
    private CompletableFuture<Decision> planned(Exchange exchange, PlanDecision decision) {
        if (decision instanceof PlanDecision.Refused r) {
            LOG.debug("request {} on route {} refused while planning: {} {}", exchange.logId(), exchange.route().name(), r.error().getMessage(),
                    r.error().details());
            return answered(exchange, Decision.Answer.error(r.error()));
        }
        PlanDecision.Planned planned = (PlanDecision.Planned) decision;
        exchange.planned(planned.plan(), planned.body());
        if (planned.flow() != null) {
            exchange.facts().flow(planned.flow());
            exchange.responseHeaders().set(FLOW_HEADER, planned.flow().header());
        }
        exchange.facts().choices(planned.choices());
        for (Stage stage : deciders) {
            Step step = stage.open(exchange);
            if (step instanceof Refusal refusal) {
                return answered(exchange, refusal.answer());
            }
            exchange.addStep(stage.name(), step);
        }
        return runSteps(exchange, 0);
    }

    private static CompletableFuture<Decision> internalError(Exchange exchange, Throwable cause) {
        LOG.error("request {} on route {} failed", exchange.logId(), exchange.route().name(), cause);
        return answered(exchange, Decision.Answer.error(GatewayError.of(ErrorType.INTERNAL, "the gateway failed to process the request")));
    }

    /**
     * The exchange of a request on {@code match}, with the recording stages attached; the request is
     * neither authenticated nor planned yet.
     *
     * @throws GatewayError for a request no exchange is opened for (a route root asked for anything
     *     but a Universal POST, a bad header on a strict route, a body over the route's limit)
     */
    private Exchange open(GatewayRequest request, RouteMatch match, Routing routing) {
        RouteConfig route = match.route();
        if (match.isRouteRoot() && !request.method().equals("POST")) {
            throw routing.planning().notUniversal(route);
        }
        CfAigHeaders cfAig = CfAigHeaderParser.parse(request.headers(), route.strictHeaders());
        if (request.body().length > route.maxBodyBytes()) {
            throw GatewayError.of(ErrorType.PAYLOAD_TOO_LARGE, "request body: %d bytes (expected: at most %d)",
                    request.body().length, route.maxBodyBytes()).with("limit", route.maxBodyBytes());
        }
        // Unread until planned: an unauthenticated request's body is never parsed.
        RequestBody raw = RequestBody.of(request.body(), request.headers().get("content-type"));
        Exchange exchange = new Exchange(request.method(), match, cfAig, request.headers(), raw, request.hostConsumer());
        inFlight.enter();
        exchange.onCompleted(inFlight::leave);
        for (Stage recorder : recorders) {
            try {
                exchange.listen(recorder.open(exchange));
            } catch (RuntimeException e) {
                // A recorder that cannot open must not cost the request its answer; the failure is logged.
                LOG.warn("request {}: recording stage {} failed to open", exchange.logId(), recorder.name(), e);
            }
        }
        return exchange;
    }

    private CompletableFuture<Decision> runSteps(Exchange exchange, int index) {
        List<Step> steps = exchange.steps();
        if (index == steps.size()) {
            return CompletableFuture.completedFuture(new Decision.Forward(exchange));
        }
        StageWatch watch = exchange.stageWatch();
        String stage = watch == null ? null : exchange.stageName(index);
        CompletableFuture<Verdict> verdict;
        if (stage == null) {
            verdict = steps.get(index).beforeDispatch();
        } else {
            // Only when a recorder watches (tracing on): otherwise nothing is allocated here.
            StageWatch.Decided decided = watch.begin(stage);
            verdict = steps.get(index).beforeDispatch().whenComplete((v, t) -> decided.end(v instanceof Verdict.Answer, t));
        }
        return verdict.thenCompose(v -> v instanceof Verdict.Answer a
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
        // A fact the cache step set, not a header: a route may rename or hide cf-aig-cache-status.
        boolean cached = exchange.facts().cached();
        exchange.facts().errorType(answer.errorType());
        return exchange.complete(Completion.answered(answer.status(), cached, exchange.elapsedNanos(), answer.body().length,
                answer.errorType())).thenApply(v -> withHeaders);
    }

    /** An error before any exchange exists (no route, bad header): still carries a log id. */
    private static Decision errorAnswer(GatewayError e, ErrorFormat format) {
        Decision.Answer a = Decision.Answer.error(e).in(format);
        a.headers().set("cf-aig-log-id", Ids.logId());
        return a;
    }
}
