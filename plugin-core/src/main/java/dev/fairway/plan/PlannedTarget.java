package dev.fairway.plan;

import static java.util.Objects.requireNonNull;

import dev.fairway.http.Headers;
import dev.fairway.provider.UpstreamTarget;
import dev.fairway.retry.RetryPolicy;
import dev.fairway.translate.ChatTranslator;

/**
 * One target a request may be sent to, with everything that differs from the client's request.
 *
 * @param step the position in the chain, reported as {@code cf-aig-step}
 * @param model the model asked of this target (for usage, cost, policy and logs)
 * @param translator how the client's OpenAI chat request is spoken to this target, or null to send it as is
 * @param lazyBody the body for this target, built when an attempt first asks ({@link #body()}), or null for the client's own body
 * @param headers headers set on this target's request (a Universal step's, a translator's)
 * @param timeoutMs time allowed for the first byte, or null for the request's
 * @param member the pool member this target is, or null when its provider is not a pool
 */
public record PlannedTarget(
        int step,
        UpstreamTarget target,
        String model,
        boolean stream,
        ChatTranslator translator,
        LazyBody lazyBody,
        Headers headers,
        Integer timeoutMs,
        RetryPolicy retry,
        Member member) {

    public PlannedTarget {
        requireNonNull(target, "target");
        requireNonNull(headers, "headers");
        requireNonNull(retry, "retry");
    }

    /** A target that is no pool member. */
    public PlannedTarget(int step, UpstreamTarget target, String model, boolean stream, ChatTranslator translator, LazyBody lazyBody,
                         Headers headers, Integer timeoutMs, RetryPolicy retry) {
        this(step, target, model, stream, translator, lazyBody, headers, timeoutMs, retry, null);
    }

    /** The same target sent to {@code other} (a member's URL and key, the client's own credential). */
    public PlannedTarget withTarget(UpstreamTarget other) {
        return new PlannedTarget(step, other, model, stream, translator, lazyBody, headers, timeoutMs, retry, member);
    }

    /** The same target as pool member {@code m}, at {@code other}, with {@code policy}'s attempts. */
    public PlannedTarget asMember(Member m, UpstreamTarget other, RetryPolicy policy) {
        return new PlannedTarget(step, other, model, stream, translator, lazyBody, headers, timeoutMs, policy, requireNonNull(m, "m"));
    }

    /**
     * The body for this target, or null for the client's own; a translation is built by the first call.
     *
     * @throws dev.fairway.error.GatewayError 400 naming the field when the request cannot be expressed for this target
     */
    public byte[] body() {
        return lazyBody == null ? null : lazyBody.get();
    }
}
