package dev.fairway.pipeline;

import static java.util.Objects.requireNonNull;

import dev.fairway.body.RequestBody;
import dev.fairway.config.GatewayConfig;
import dev.fairway.config.Problems;
import dev.fairway.config.ProviderSettings;
import dev.fairway.config.RouteConfig;
import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.headers.CfAigHeaderParser;
import dev.fairway.headers.CfAigHeaders;
import dev.fairway.http.Headers;
import dev.fairway.plan.DispatchPlan;
import dev.fairway.plan.Planner;
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
 * The host-neutral core: takes a request, returns a {@link Decision}. Steps 1-5 of DESIGN.md s.2
 * (parse, authenticate, policy, quotas, cache lookup) happen here, identically for every host;
 * the stages supply everything after parsing, in order.
 */
public final class Gateway {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    /** The OpenAI-compatible endpoint's path segment, where a provider slug would stand. */
    private static final String COMPAT = "compat";

    private final GatewayConfig config;
    private final ProviderRegistry registry;
    private final RouteTable routes;
    private final List<Stage> stages;
    private final Planner planner;
    private final InFlight inFlight = new InFlight();

    public Gateway(GatewayConfig config, ProviderRegistry registry, List<Stage> stages) {
        this.config = requireNonNull(config, "config");
        this.registry = requireNonNull(registry, "registry");
        this.stages = List.copyOf(requireNonNull(stages, "stages"));
        this.routes = new RouteTable(config.routes());
        this.planner = new Planner(registry, config.providers(), () -> ThreadLocalRandom.current().nextDouble());
        Problems problems = new Problems();
        for (int i = 0; i < config.routes().size(); i++) {
            Planner.checkRoute(config.routes().get(i), registry, problems.at("routes", i));
        }
        problems.throwIfAny();
    }

    public GatewayConfig config() {
        return config;
    }

    public ProviderRegistry registry() {
        return registry;
    }

    public List<Stage> stages() {
        return stages;
    }

    /** Exchanges opened and not yet completed; a graceful stop waits for them. */
    public InFlight inFlight() {
        return inFlight;
    }

    /** Decides a request on the process's own routes (the standalone gateway). */
    public CompletableFuture<Decision> decide(GatewayRequest request) {
        RouteMatch match;
        try {
            match = routes.match(request.target());
        } catch (GatewayError e) {
            return CompletableFuture.completedFuture(errorAnswer(e));
        }
        return decide(request, match);
    }

    /**
     * Decides a request on a route the host configured (a Kong plugin instance, an APISIX conf, an
     * Envoy route): the path is matched within that route only.
     */
    public CompletableFuture<Decision> decide(GatewayRequest request, RouteConfig route) {
        RouteMatch match;
        try {
            match = new RouteTable(List.of(route)).match(request.target());
        } catch (GatewayError e) {
            return CompletableFuture.completedFuture(errorAnswer(e));
        }
        return decide(request, match);
    }

    private CompletableFuture<Decision> decide(GatewayRequest request, RouteMatch match) {
        Exchange exchange;
        try {
            exchange = open(request, match);
        } catch (GatewayError e) {
            return CompletableFuture.completedFuture(errorAnswer(e));
        }
        for (int i = 0; i < stages.size(); i++) {
            Stage stage = stages.get(i);
            try {
                exchange.addStep(stage.open(exchange));
            } catch (GatewayError e) {
                openRecorders(exchange, i + 1);
                return CompletableFuture.completedFuture(answered(exchange, Decision.Answer.error(e)));
            } catch (RuntimeException e) {
                openRecorders(exchange, i + 1);
                return CompletableFuture.completedFuture(internalError(exchange, stage.name(), e));
            }
        }
        return runSteps(exchange, 0).exceptionally(t -> {
            Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
            if (cause instanceof GatewayError e) {
                return answered(exchange, Decision.Answer.error(e));
            }
            return internalError(exchange, "a stage", cause);
        });
    }

    private static Decision internalError(Exchange exchange, String where, Throwable cause) {
        LOG.error("request {} failed in {}", exchange.logId(), where, cause);
        return answered(exchange, Decision.Answer.error(GatewayError.of(ErrorType.INTERNAL, "the gateway failed to process the request")));
    }

    private Exchange open(GatewayRequest request, RouteMatch match) {
        RouteConfig route = match.route();
        boolean universal = match.isRouteRoot() && request.method().equals("POST");
        if (match.isRouteRoot() && !universal) {
            throw GatewayError.of(ErrorType.NOT_FOUND, "name a provider in the path, e.g. %s/openai/v1/chat/completions, "
                    + "or POST a Universal request (a JSON array of steps) here", route.prefix().equals("/") ? "" : route.prefix())
                    .with("known_providers", registry.slugs());
        }
        CfAigHeaders cfAig = CfAigHeaderParser.parse(request.headers());
        if (request.body().length > route.maxBodyBytes()) {
            throw GatewayError.of(ErrorType.PAYLOAD_TOO_LARGE, "request body: %d bytes (expected: at most %d)",
                    request.body().length, route.maxBodyBytes()).with("limit", route.maxBodyBytes());
        }
        Map<String, String> extra = match.accountId() == null ? Map.of() : Map.of("account_id", match.accountId());
        DispatchPlan plan;
        RequestBody body;
        if (universal) {
            body = new RequestBody(request.body(), true, null, false);
            plan = planner.forUniversal(route, body, cfAig, extra);
        } else if (COMPAT.equals(match.provider()) && registry.get(COMPAT) == null) {
            body = RequestBody.scan(request.body(), request.headers().get("content-type"));
            plan = planner.forCompat(route, match.rest(), body, cfAig, extra);
        } else {
            Provider provider = registry.require(match.provider());
            body = RequestBody.scan(request.body(), request.headers().get("content-type"));
            ProviderSettings settings = route.providerSettings(provider.slug(), config.providers());
            UpstreamTarget target = registry.target(provider, match.rest(), match.rawQuery(), settings, extra);
            plan = planner.forProviderPath(route, target, body, cfAig, extra);
        }
        Exchange exchange = new Exchange(request.method(), match, cfAig, request.headers(), body, request.hostConsumer(), plan);
        inFlight.enter();
        exchange.onCompleted(inFlight::leave);
        return exchange;
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
                ? CompletableFuture.completedFuture(answered(exchange, a.answer()))
                : runSteps(exchange, index + 1));
    }

    /** An answer the gateway gives itself; the exchange is complete once it is decided. */
    private static Decision answered(Exchange exchange, Decision.Answer answer) {
        Headers headers = Headers.copyOf(answer.headers()).setAll(exchange.responseHeaders());
        Decision.Answer withHeaders = new Decision.Answer(answer.status(), headers, answer.body(), answer.errorType());
        boolean cached = "HIT".equals(headers.get("cf-aig-cache-status"));
        long elapsed = exchange.elapsedNanos();
        exchange.complete(new Completion(answer.status(), cached, false, 0, 0, elapsed, elapsed,
                answer.body().length, null, null, answer.errorType()));
        return withHeaders;
    }

    /** An error before any exchange exists (no route, bad header): still carries a log id. */
    private static Decision errorAnswer(GatewayError e) {
        Decision.Answer a = Decision.Answer.error(e);
        a.headers().set("cf-aig-log-id", Ids.logId());
        return a;
    }
}
