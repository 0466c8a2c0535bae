package dev.fairway.pipeline;

import static java.util.Objects.requireNonNull;

import dev.fairway.body.RequestBody;
import dev.fairway.config.Secret;
import dev.fairway.config.RouteConfig;
import dev.fairway.headers.CfAigHeaderParser;
import dev.fairway.headers.CfAigHeaders;
import dev.fairway.headers.HeaderNote;
import dev.fairway.http.Headers;
import dev.fairway.http.HopByHop;
import dev.fairway.plan.DispatchPlan;
import dev.fairway.plan.PlannedTarget;
import dev.fairway.provider.AuthStyle;
import dev.fairway.provider.UpstreamTarget;
import dev.fairway.routing.RouteMatch;
import java.nio.ByteBuffer;
import java.util.ArrayList;
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
    /** The dispatcher's ticket header; a host forwards it to us, we never forward it on. */
    private static final String TICKET_HEADER = "x-fairway-ticket";
    private final String logId = Ids.logId();
    private final long startNanos = System.nanoTime();
    private final long startEpochMillis = System.currentTimeMillis();
    private final String method;
    private final RouteMatch match;
    private final CfAigHeaders cfAig;
    private final Headers clientHeaders;
    private final RequestBody body;
    private final String hostConsumer;
    private final DispatchPlan plan;
    private final Headers responseHeaders = new Headers();
    private final List<Step> steps = new ArrayList<>(4);
    private final List<HeaderNote> headerNotes;
    private final AtomicBoolean completed = new AtomicBoolean();
    private final Metered metered = new Metered();
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    private static final long HOLD_LIMIT_SECONDS = 10;
    private volatile String clientIdentity;
    private volatile byte[] upstreamBody;
    /** System.nanoTime() by which a wait inside the decision must end; 0 when the host sets no deadline. */
    private volatile long waitsEndByNanos;
    private volatile boolean waitCutShort;
    /** Told once the exchange completes, after every step: the process's count of open exchanges. */
    private Runnable onCompleted = () -> {};

    Exchange(String method, RouteMatch match, CfAigHeaders cfAig, Headers clientHeaders, RequestBody body,
             String hostConsumer, DispatchPlan plan) {
        this.method = requireNonNull(method, "method");
        this.match = requireNonNull(match, "match");
        this.cfAig = requireNonNull(cfAig, "cfAig");
        this.clientHeaders = requireNonNull(clientHeaders, "clientHeaders");
        this.body = requireNonNull(body, "body");
        this.hostConsumer = hostConsumer;
        this.plan = requireNonNull(plan, "plan");
        this.upstreamBody = body.bytes();
        this.headerNotes = new CopyOnWriteArrayList<>(cfAig.notes());
        responseHeaders.add("cf-aig-log-id", logId);
        responseHeaders.add("cf-aig-request-id", logId); // Cloudflare: the log id, for one-step requests
        if (cfAig.eventId() != null) {
            responseHeaders.add("cf-aig-event-id", cfAig.eventId());
        }
        // Until a later target answers (the relay then says which), answers come from the requested one: cache hits too.
        AnswerHeaders.describe(plan.first(), responseHeaders::set);
        HeaderNote.render(headerNotes, responseHeaders::set);
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

    /** The target the client asked for: the first of the plan. */
    public UpstreamTarget target() {
        return plan.first().target();
    }

    /** Every target this request may try, in order (fallback chain, Universal steps). */
    public DispatchPlan plan() {
        return plan;
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

    /** The authenticated gateway client's name, once authentication has run; else null. */
    public String clientIdentity() {
        return clientIdentity;
    }

    public void setClientIdentity(String name) {
        this.clientIdentity = name;
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
        UpstreamTarget target = target();
        Secret key = target.settings().key(cfAig.byokAlias());
        if (key != null) {
            return key.fingerprint();
        }
        if (target.settings().aws() != null) {
            return target.settings().aws().accessKeyId().fingerprint();
        }
        String client = target.provider().auth().clientCredential(plan.first().headers().size() > 0
                ? Headers.copyOf(clientHeaders).setAll(plan.first().headers()) : clientHeaders);
        return client == null ? "anonymous" : Secret.fingerprint(client);
    }

    /**
     * The request to send upstream for {@code t}: the client's headers without hop-by-hop fields and
     * gateway headers, with the gateway's credential in place of the client's when it holds one.
     */
    public UpstreamRequest upstreamRequest(PlannedTarget p) {
        UpstreamTarget t = p.target();
        Headers relayable = HopByHop.strip(clientHeaders);
        Headers out = new Headers();
        for (int i = 0; i < relayable.size(); i++) {
            String name = relayable.name(i);
            if (!CfAigHeaderParser.isGatewayHeader(name) && !name.equals("accept-encoding") && !name.equals(TICKET_HEADER)) {
                out.add(name, relayable.value(i));
            }
        }
        // A step's own headers (its provider credential) win over the client's.
        out.setAll(p.headers());
        // Observers read the body (usage, cache): ask for it uncompressed.
        out.set("accept-encoding", "identity");
        Secret key = t.settings().key(cfAig.byokAlias());
        if (key != null) {
            AuthStyle.CREDENTIAL_HEADERS.forEach(out::remove);
            t.provider().auth().apply(out, key.reveal());
        }
        byte[] bytes = p.body() != null ? p.body() : upstreamBody;
        if (p.body() != null || bytes != body.bytes()) {
            out.set("content-type", "application/json");
        }
        return new UpstreamRequest(p.translator() == null ? method : "POST", t.uri(), out, bytes);
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

    /** A step stopped waiting for an identical request at the host's decision deadline and went on as a miss. */
    public void noteWaitCutShort() {
        this.waitCutShort = true;
    }

    public boolean waitCutShort() {
        return waitCutShort;
    }

    public List<Step> steps() {
        return steps;
    }

    void addStep(Step step) {
        if (step != Step.NONE) {
            steps.add(step);
        }
    }

    /** One observer that fans out to every step's observer; never null. */
    public ResponseObserver observer() {
        List<ResponseObserver> observers = new ArrayList<>(steps.size());
        for (Step s : steps) {
            ResponseObserver o = s.observer();
            if (o != null) {
                observers.add(o);
            }
        }
        return switch (observers.size()) {
            case 0 -> new ResponseObserver() {};
            case 1 -> observers.get(0);
            default -> new FanOut(observers);
        };
    }

    /**
     * Opens one upstream attempt of {@code target}: one observer over every step's
     * {@linkplain Step#upstreamObserver upstream observer}, never null. Whoever sends the attempt
     * (the dispatcher, a host) sends {@code request(planned)} and feeds it the raw answer.
     */
    public UpstreamObserver upstreamObserver(PlannedTarget target, UpstreamRequest planned) {
        List<UpstreamObserver> observers = new ArrayList<>(1);
        for (Step s : steps) {
            UpstreamObserver o = s.upstreamObserver(target, planned);
            if (o != null) {
                observers.add(o);
            }
        }
        return UpstreamFanOut.of(observers);
    }

    /** Usage and cost of the answer relayed to the client, as the metering step read them. */
    public Metered metered() {
        return metered;
    }

    /** The filter of the (at most one) step that filters answers, or null when the answer goes as it is. */
    public ResponseFilter responseFilter(int status, String contentType) {
        for (Step s : steps) {
            ResponseFilter f = s.responseFilter(status, contentType);
            if (f != null) {
                return f;
            }
        }
        return null;
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
        completion = metered.onto(completion);
        CompletableFuture<Void> held = DONE;
        for (Step s : steps) {
            try {
                s.afterCompletion(completion);
                if (s.holdsAnswerEnd()) {
                    held = held == DONE ? s.durable() : CompletableFuture.allOf(held, s.durable());
                }
            } catch (RuntimeException e) {
                Log.stepFailed(s, e);
            }
        }
        onCompleted.run();
        // A stalled disk must not hold answers forever: after this the answer ends regardless.
        return held.isDone() ? held : held.completeOnTimeout(null, HOLD_LIMIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** Whether some step holds the end of this exchange's answer until its work is durable. */
    public boolean holdsAnswerEnd() {
        for (Step s : steps) {
            if (s.holdsAnswerEnd()) {
                return true;
            }
        }
        return false;
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

    private record FanOut(List<ResponseObserver> observers) implements ResponseObserver {
        @Override
        public void onHeaders(int status, Headers headers) {
            observers.forEach(o -> o.onHeaders(status, headers));
        }

        @Override
        public void onChunk(ByteBuffer chunk) {
            for (ResponseObserver o : observers) {
                o.onChunk(chunk.asReadOnlyBuffer());
            }
        }

        @Override
        public void onEnd(boolean clean) {
            observers.forEach(o -> o.onEnd(clean));
        }
    }

    private static final class Log {
        private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Exchange.class);

        static void stepFailed(Step step, RuntimeException e) {
            LOG.warn("completion step {} failed: {}", step.getClass().getSimpleName(), e.toString());
        }
    }
}
