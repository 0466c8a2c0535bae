package dev.fairway.pipeline;

import static java.util.Objects.requireNonNull;

import dev.fairway.body.RequestBody;
import dev.fairway.config.RouteConfig;
import dev.fairway.headers.CfAigHeaders;
import dev.fairway.headers.HeaderNote;
import dev.fairway.http.Headers;
import dev.fairway.plan.DispatchPlan;
import dev.fairway.plan.PlannedTarget;
import dev.fairway.provider.UpstreamTarget;
import dev.fairway.routing.RouteMatch;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request's journey through the gateway: what the client sent, what the core made of it, the
 * steps the stages opened for it, and the headers every answer carries. Created by
 * {@link Gateway#decide}, finished exactly once through {@link #complete}.
 */
public final class Exchange {
    private final String logId = Ids.logId();
    private final long startNanos = System.nanoTime();
    private final long startEpochMillis = System.currentTimeMillis();
    private final String method;
    private final RouteMatch match;
    private final CfAigHeaders cfAig;
    private final Headers clientHeaders;
    private final String hostConsumer;
    private final Facts facts = new Facts();
    /** The client's body until planning, then the body as planned (the REST API renames its model). */
    private volatile RequestBody body;
    /** Null until the request is authenticated and planned; a refused request may end without one. */
    private volatile DispatchPlan plan;
    private final Headers responseHeaders = new Headers();
    private final Steps steps = new Steps();
    private final List<HeaderNote> headerNotes;
    private final AtomicBoolean completed = new AtomicBoolean();
    private final Metered metered = new Metered();
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    private volatile byte[] upstreamBody;
    /** System.nanoTime() by which a wait inside the decision must end; 0 when the host sets no deadline. */
    private volatile long waitsEndByNanos;
    /** Told once the exchange completes, after every step: the process's count of open exchanges. */
    private Runnable onCompleted = () -> {};

    Exchange(String method, RouteMatch match, CfAigHeaders cfAig, Headers clientHeaders, RequestBody body, String hostConsumer) {
        this.method = requireNonNull(method, "method");
        this.match = requireNonNull(match, "match");
        this.cfAig = requireNonNull(cfAig, "cfAig");
        this.clientHeaders = requireNonNull(clientHeaders, "clientHeaders");
        this.body = requireNonNull(body, "body");
        this.hostConsumer = hostConsumer;
        this.upstreamBody = body.bytes();
        this.headerNotes = new CopyOnWriteArrayList<>(cfAig.notes());
        responseHeaders.add("cf-aig-log-id", logId);
        responseHeaders.add("cf-aig-request-id", logId); // Cloudflare: the log id, for one-step requests
        if (cfAig.eventId() != null) {
            responseHeaders.add("cf-aig-event-id", cfAig.eventId());
        }
        HeaderNote.render(headerNotes, responseHeaders::set);
    }

    /** Set once by {@link Gateway}, after authentication, from the planner's decision. */
    void planned(DispatchPlan plan, RequestBody body) {
        this.plan = requireNonNull(plan, "plan");
        this.body = requireNonNull(body, "body");
        this.upstreamBody = body.bytes();
        // Until a later target answers (the relay then says which), answers come from the first allowed one: cache hits too.
        AnswerHeaders.describe(plan.first(), responseHeaders::set);
    }

    /** What the deciding steps learnt about this exchange (cached, client identity, guardrail findings). */
    public Facts facts() {
        return facts;
    }

    /** A stage did not act on a cf-aig-* header (cache or log opt-in/out); called while opening, before any answer. */
    public void noteHeader(HeaderNote note) {
        headerNotes.add(requireNonNull(note, "note"));
        HeaderNote.render(headerNotes, responseHeaders::set);
    }

    /** Every header the gateway ignored, clamped or cut for this request, for the log record. */
    public List<HeaderNote> headerNotes() {
        return List.copyOf(headerNotes);
    }

    public String logId() {
        return logId;
    }

    public String eventId() {
        return cfAig.eventId();
    }

    public long startNanos() {
        return startNanos;
    }

    public long startEpochMillis() {
        return startEpochMillis;
    }

    public String method() {
        return method;
    }

    public RouteConfig route() {
        return match.route();
    }

    public RouteMatch match() {
        return match;
    }

    public CfAigHeaders cfAig() {
        return cfAig;
    }

    /** The headers as the client sent them (credentials included: never log these). */
    public Headers clientHeaders() {
        return clientHeaders;
    }

    public RequestBody body() {
        return body;
    }

    /** The first target of the plan: the one the client asked for, unless the route's policy refused it. */
    public UpstreamTarget target() {
        return plan.first().target();
    }

    /** Every target this request may try, in order (fallback chain, Universal steps); null while unplanned (a 401). */
    public DispatchPlan plan() {
        return plan;
    }

    /** The target of step {@code step} (a fallback chain's, a Universal request's), else the first; null while unplanned. */
    public PlannedTarget answeredBy(int step) {
        DispatchPlan p = plan;
        return p == null ? null : p.atStep(step);
    }

    /** The model asked of the first target: the body's, the path's (Google, Bedrock, Azure) or, for /compat, the part after provider/. */
    public String model() {
        return plan.first().model();
    }

    public boolean stream() {
        return plan.first().stream();
    }

    public String hostConsumer() {
        return hostConsumer;
    }

    /** Headers added to whatever the client receives (cf-aig-log-id, cf-aig-cache-status, RateLimit, ...). */
    public Headers responseHeaders() {
        return responseHeaders;
    }

    /** Replaces the body sent upstream (the client's body is kept for logs and the cache key). */
    public void setUpstreamBody(byte[] bytes) {
        this.upstreamBody = requireNonNull(bytes, "bytes");
    }

    /**
     * Fingerprint of the provider credential this request will use: the gateway's key when it holds
     * one, else the client's own. Cache and quota keys use it so tenants never share state.
     */
    public String credentialFingerprint() {
        return UpstreamRequests.credentialFingerprint(plan.first(), cfAig, clientHeaders);
    }

    /**
     * The request to send upstream for {@code p}: the client's headers without hop-by-hop fields and
     * gateway headers, with the gateway's credential in place of the client's when it holds one.
     */
    public UpstreamRequest upstreamRequest(PlannedTarget p) {
        return UpstreamRequests.of(p, method, cfAig, clientHeaders, body.bytes(), upstreamBody);
    }

    /** The request for the first target. */
    public UpstreamRequest upstreamRequest() {
        return upstreamRequest(plan.first());
    }

    void waitsEndBy(long nanoTime) {
        this.waitsEndByNanos = nanoTime;
    }

    /**
     * How long a step may still wait inside the decision (for an identical request already
     * upstream, say) before the host's own deadline would turn the request into an error;
     * {@code Long.MAX_VALUE} when the host sets none. Never negative.
     */
    public long waitBudgetMillis() {
        long by = waitsEndByNanos;
        return by == 0 ? Long.MAX_VALUE : Math.max(0, (by - System.nanoTime()) / 1_000_000);
    }

    public List<Step> steps() {
        return steps.list();
    }

    /** A deciding stage's step, placed before every recorder. */
    void addStep(String stage, Step step) {
        steps.add(stage, step);
    }

    /** Attaches a recording stage's step as the exchange opens, before anything can end it: it sees every ending. */
    void listen(Step step) {
        steps.listen(step);
    }

    /** The recording step's watch over the deciding stages, or null when none watches (tracing off). */
    StageWatch stageWatch() {
        return steps.watch();
    }

    /** The stage name of step {@code index}, or null for a recorder's step. */
    String stageName(int index) {
        return steps.name(index);
    }

    /** One observer that fans out to every step's observer; never null. */
    public ResponseObserver observer() {
        return steps.observer();
    }

    /**
     * Opens one upstream attempt of {@code target}: one observer over every step's
     * {@linkplain Step#upstreamObserver upstream observer}, never null. Whoever sends the attempt
     * (the dispatcher, a host) sends {@code request(planned)} and feeds it the raw answer.
     */
    public UpstreamObserver upstreamObserver(PlannedTarget target, UpstreamRequest planned) {
        return steps.upstreamObserver(target, planned);
    }

    /** Usage and cost of the answer relayed to the client, as the metering step read them. */
    public Metered metered() {
        return metered;
    }

    /** The filter of the (at most one) step that filters answers, or null when the answer goes as it is. */
    public ResponseFilter responseFilter(int status, String contentType) {
        return steps.responseFilter(status, contentType);
    }

    /**
     * Ends the exchange; later calls are ignored, so racing end paths (cancel vs. end) are safe.
     *
     * @return completes when the steps that {@linkplain Step#holdsAnswerEnd hold the answer's end}
     *     have made their work durable (at once when none does); the answer's last bytes wait for it
     */
    public CompletableFuture<Void> complete(Completion completion) {
        requireNonNull(completion, "completion");
        if (!completed.compareAndSet(false, true)) {
            return DONE;
        }
        // Usage and cost come from the metering step, not from whichever relay carried the answer.
        CompletableFuture<Void> held = steps.complete(metered.onto(completion), logId);
        onCompleted.run();
        return held;
    }

    /** Whether some step holds the end of this exchange's answer until its work is durable. */
    public boolean holdsAnswerEnd() {
        return steps.holdAnswerEnd();
    }

    /** Set once by {@link Gateway} as the exchange opens, before anyone can complete it. */
    void onCompleted(Runnable hook) {
        this.onCompleted = requireNonNull(hook, "hook");
    }

    public boolean isCompleted() {
        return completed.get();
    }

    public long elapsedNanos() {
        return System.nanoTime() - startNanos;
    }
}
