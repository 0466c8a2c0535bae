package dev.fairway.pipeline;

import static java.util.Objects.requireNonNull;

import dev.fairway.plan.FlowRoute;
import dev.fairway.plan.Choices;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the deciding steps learnt about one exchange, typed, for the steps and recorders that read it
 * later (quota accounting, the log record, analytics): never inferred back from response headers,
 * which a route may rename or hide. Written on the request path, read once the exchange completes.
 */
public final class Facts {
    private volatile String clientIdentity;
    private volatile boolean cached;
    private volatile boolean waitCutShort;
    private volatile Double semanticSimilarity;
    private volatile String errorType;
    private volatile Choices choices = Choices.NONE;
    private volatile String member;
    private final List<GuardrailFinding> findings = new CopyOnWriteArrayList<>();
    private volatile SessionEvents session;
    private volatile FlowRoute flow;

    /** What a routing flow decided for this request ({@code model: "dynamic/<flow>"}), or null. */
    public FlowRoute flow() {
        return flow;
    }

    public void flow(FlowRoute route) {
        this.flow = requireNonNull(route, "route");
    }

    /** The authenticated gateway client's name, once authentication has run; else null. */
    public String clientIdentity() {
        return clientIdentity;
    }

    public void clientIdentity(String name) {
        this.clientIdentity = requireNonNull(name, "name");
    }

    /** Whether the answer came from the gateway's cache. */
    public boolean cached() {
        return cached;
    }

    /** Set by the cache step that answers from its store. */
    public void markCached() {
        this.cached = true;
    }

    /** The similarity of the stored question a semantic cache hit answered with, or null (a miss, or an exact hit). */
    public Double semanticSimilarity() {
        return semanticSimilarity;
    }

    /** Set by the cache step that answers from a semantic match; the answer counts as cached too. */
    public void markSemanticHit(double similarity) {
        this.semanticSimilarity = similarity;
        this.cached = true;
    }

    /** Whether a step stopped waiting for an identical request at the host's decision deadline and went on as a miss. */
    public boolean waitCutShort() {
        return waitCutShort;
    }

    public void markWaitCutShort() {
        this.waitCutShort = true;
    }

    /** The wire name of the gateway error this exchange was answered with ({@code unauthorized}), or null. */
    public String errorType() {
        return errorType;
    }

    void errorType(String wireName) {
        this.errorType = wireName;
    }

    /** The prompt the request was rendered from and the experiment arm it fell in; {@link Choices#NONE} when neither. */
    public Choices choices() {
        return choices;
    }

    public void choices(Choices chosen) {
        this.choices = requireNonNull(chosen, "chosen");
    }

    /** The pool member of the latest upstream attempt (the one that answered, or failed last), or null outside pools. */
    public String member() {
        return member;
    }

    public void member(String name) {
        this.member = requireNonNull(name, "name");
    }

    /** Every guardrail that fired on the request or the answer, in the order they fired. */
    public List<GuardrailFinding> findings() {
        return List.copyOf(findings);
    }

    public void addFinding(GuardrailFinding finding) {
        findings.add(requireNonNull(finding, "finding"));
    }

    /** For a WebSocket session, its event counts and how it closed; else null. */
    public SessionEvents session() {
        return session;
    }

    public void session(SessionEvents events) {
        this.session = requireNonNull(events, "events");
    }
}
