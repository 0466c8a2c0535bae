package dev.fairway.dispatch;

import static java.util.Objects.requireNonNull;

import dev.fairway.config.AwsCredentials;
import dev.fairway.config.DispatchSettings;
import dev.fairway.http.Headers;
import dev.fairway.pipeline.Completion;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.UpstreamRequest;
import dev.fairway.plan.PlannedTarget;
import dev.fairway.provider.AuthStyle;
import dev.fairway.provider.SigV4;
import dev.fairway.provider.UpstreamTarget;
import dev.fairway.retry.CircuitBreakers;
import dev.fairway.retry.CircuitBreaker;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import java.net.URI;
import java.time.Duration;
import java.time.ZonedDateTime;

/**
 * Step 6 of the request path: the upstream call and the relay of its answer to the client, chunk by
 * chunk as it arrives, with first-byte timeouts, retries, fallback across targets, circuit breakers,
 * client-disconnect cancellation and the observers (usage, cache fill, logs) fed on the way. Nothing
 * is buffered whole except a non-streamed answer that must be translated.
 */
public final class Dispatcher implements AutoCloseable {
    private final Vertx vertx;
    private final UpstreamClient client;
    private final TicketBook tickets;
    private final CircuitBreakers breakers;
    private final RetryScheduler scheduler;
    private final long sweepTimer;
    private final GoogleServiceAccounts googleKeys = new GoogleServiceAccounts();

    public Dispatcher(Vertx vertx, DispatchSettings settings) {
        this(vertx, settings, null, CircuitBreakers.systemClock());
    }

    /**
     * @param scheduler when retries run; null for the event loop's timers
     */
    public Dispatcher(Vertx vertx, DispatchSettings settings, RetryScheduler scheduler, CircuitBreakers breakers) {
        this.vertx = requireNonNull(vertx, "vertx");
        this.breakers = requireNonNull(breakers, "breakers");
        this.scheduler = scheduler != null ? scheduler : this::onTimer;
        this.client = new UpstreamClient(vertx, settings);
        this.tickets = new TicketBook(Duration.ofSeconds(settings.ticketTtlSeconds()));
        this.sweepTimer = vertx.setPeriodic(1000, id -> tickets.sweep(Dispatcher::abandon));
    }

    public TicketBook tickets() {
        return tickets;
    }

    /** The circuit of every target this dispatcher has called. */
    public CircuitBreakers breakers() {
        return breakers;
    }

    /** {@code target}'s circuit in {@code exchange}'s route, as the dispatcher's attempts and a host's direct forward both use it. */
    public CircuitBreaker circuit(Exchange exchange, PlannedTarget target) {
        return breakers.circuit(UpstreamCalls.breakerKey(exchange.route(), target), exchange.plan().breaker());
    }

    /** Makes the upstream call(s) for {@code exchange} and relays the answer into {@code response}. */
    public void relay(Exchange exchange, HttpServerResponse response) {
        new Relay(this, exchange, response).start();
    }

    Vertx vertx() {
        return vertx;
    }

    UpstreamClient client() {
        return client;
    }

    RetryScheduler scheduler() {
        return scheduler;
    }

    /** The event loop's timers, for first-byte timeouts. */
    TimeoutCall.Timers timers() {
        return (delayMs, task) -> {
            long id = vertx.setTimer(delayMs, t -> task.run());
            return () -> vertx.cancelTimer(id);
        };
    }

    /** Signs with SigV4 when the provider wants it and the gateway holds AWS keys; otherwise as planned. */
    UpstreamRequest sign(PlannedTarget planned, UpstreamRequest request) {
        UpstreamTarget target = planned.target();
        AwsCredentials aws = target.settings().aws();
        if (target.provider().auth() != AuthStyle.SIGV4 || aws == null) {
            return request;
        }
        Headers headers = Headers.copyOf(request.headers());
        String region = target.settings().params().getOrDefault("region", regionOf(target.uri().getHost()));
        SigV4.sign(request.method(), request.uri(), headers, request.body(), aws, target.provider().sigv4Service(), region, ZonedDateTime.now());
        return new UpstreamRequest(request.method(), request.uri(), headers, request.body());
    }

    /**
     * For providers that take Google OAuth tokens (Vertex AI): a service-account key in the credential
     * (the gateway's, or the client's {@code Authorization}) is exchanged for an access token off the
     * event loop; any other request completes at once, unchanged.
     */
    Future<UpstreamRequest> authorize(PlannedTarget planned, UpstreamRequest request) {
        UpstreamTarget target = planned.target();
        byte[] key = target.provider().auth() == AuthStyle.GOOGLE_OAUTH ? GoogleServiceAccounts.keyIn(request.headers().get("authorization")) : null;
        if (key == null) {
            return Future.succeededFuture(request);
        }
        // The gateway's own key may name its token endpoint; a client's key goes to Google's (or the configured one).
        String configured = target.settings().params().get("token_uri");
        URI tokenUri = target.settings().apiKey() != null ? null
                : configured != null ? URI.create(configured) : GoogleServiceAccounts.GOOGLE_TOKEN_URI;
        return vertx.executeBlocking(() -> {
            Headers headers = Headers.copyOf(request.headers());
            headers.set("authorization", googleKeys.bearer(key, tokenUri));
            return new UpstreamRequest(request.method(), request.uri(), headers, request.body());
        }, false);
    }

    /** {@code bedrock-runtime.eu-central-1.amazonaws.com} is in eu-central-1. */
    private static String regionOf(String host) {
        String[] labels = host.split("\\.");
        return labels.length >= 4 && host.endsWith(".amazonaws.com") ? labels[1] : "us-east-1";
    }

    private void onTimer(long waitMs, Runnable retry) {
        if (waitMs <= 0) {
            vertx.getOrCreateContext().runOnContext(v -> retry.run());
        } else {
            vertx.setTimer(waitMs, id -> retry.run());
        }
    }

    private static void abandon(Exchange exchange) {
        exchange.complete(Completion.abandoned(exchange.elapsedNanos()));
    }

    @Override
    public void close() {
        vertx.cancelTimer(sweepTimer);
        client.close();
    }
}
