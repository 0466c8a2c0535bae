package dev.fairway.quota;

import static java.util.Objects.requireNonNull;

import dev.fairway.config.QuotaRule;
import dev.fairway.config.Secret;
import dev.fairway.pipeline.Completion;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.Usage;
import io.github.bucket4j.BucketConfiguration;
import java.time.Duration;
import java.util.List;

/**
 * A validated {@link QuotaRule} turned into what the stage needs per request: the Bucket4j
 * configuration, built once, and the bucket key of an exchange.
 *
 * <p>How the two techniques map onto Bucket4j, whose buckets hold whole tokens (cost is counted in
 * millionths of a dollar):
 * <ul>
 *   <li>{@code fixed}: capacity = limit, refilled "intervally aligned" with the whole limit once per
 *       window, the first refill at the Unix epoch. Every window is therefore [k*w, (k+1)*w) on the
 *       wall clock (a 1d window restarts at 00:00 UTC) in every process, which is what several
 *       gateways sharing Redis need, and at each boundary the bucket is full again: Cloudflare's
 *       fixed window. A bucket overdrawn by a forced charge gets the limit added, so the debt is
 *       paid from the next window instead of being forgotten.</li>
 *   <li>{@code sliding}: capacity = limit, refilled greedily at limit/window per unit of time, so
 *       what was used comes back spread over one window after it was used. Unlike a fixed window, a
 *       key that spent its limit just before a boundary gets almost nothing back at the boundary,
 *       so there is no burst of twice the limit. It is a token bucket, not an exact sliding log: a
 *       key idle for a whole window may use limit at once and then limit/window per second.</li>
 * </ul>
 */
final class CompiledRule {
    /** What a missing dimension value counts as. */
    static final String ANONYMOUS = "anonymous";
    private static final int MAX_KEY_CHARS = 200;

    private final QuotaRule rule;
    private final BucketConfiguration configuration;
    private final String keyPrefix;
    private final long limit;

    CompiledRule(QuotaRule rule) {
        this.rule = requireNonNull(rule, "rule");
        this.limit = rule.limitUnits();
        Duration window = rule.windowDuration();
        this.configuration = RuleBuckets.configuration(rule);
        // A changed limit, window, unit or technique starts new buckets instead of reusing state
        // stored in Redis under an older configuration.
        String spec = rule.unit() + "/" + limit + "/" + window.toSeconds() + "/" + rule.technique();
        this.keyPrefix = rule.name() + "@" + Secret.fingerprint(spec).substring(0, 8) + ":";
    }

    QuotaRule rule() {
        return rule;
    }

    BucketConfiguration configuration() {
        return configuration;
    }

    /** The limit in bucket tokens (requests, tokens, or millionths of a dollar). */
    long limit() {
        return limit;
    }

    long windowSeconds() {
        return rule.windowDuration().toSeconds();
    }

    boolean countsRequests() {
        return rule.unit() == QuotaRule.Unit.REQUESTS || rule.unit() == QuotaRule.Unit.UPSTREAM_ATTEMPTS;
    }

    /** The bucket key of {@code exchange}: the rule, its configuration and one value per dimension. */
    String key(Exchange exchange) {
        List<String> dims = rule.key();
        StringBuilder values = new StringBuilder(64);
        for (int i = 0; i < dims.size(); i++) {
            if (i > 0) {
                values.append(':');
            }
            escape(values, value(dims.get(i), exchange));
        }
        String v = values.length() > MAX_KEY_CHARS ? "#" + Secret.fingerprint(values.toString()) : values.toString();
        return keyPrefix + v;
    }

    /** The bucket key of a value computed by the caller (a flow's limit element keys on its own expression). */
    String keyOf(String value) {
        StringBuilder v = new StringBuilder(64);
        escape(v, value == null || value.isEmpty() ? ANONYMOUS : value);
        return keyPrefix + (v.length() > MAX_KEY_CHARS ? "#" + Secret.fingerprint(v.toString()) : v.toString());
    }

    /** What this rule charges for a finished exchange: 0 for request rules and unknown usage. */
    long charge(Completion completion) {
        Usage usage = completion.usage();
        return switch (rule.unit()) {
            case REQUESTS -> 0;
            // The first attempt was taken before dispatch, like a request.
            case UPSTREAM_ATTEMPTS -> Math.max(0, completion.attempts() - 1);
            case INPUT_TOKENS -> usage == null ? 0 : usage.inputTokens();
            case OUTPUT_TOKENS -> usage == null ? 0 : usage.outputTokens();
            case TOTAL_TOKENS -> usage == null ? 0 : usage.totalTokens();
            case COST_USD -> completion.costUsd() == null || !(completion.costUsd() > 0) ? 0
                    : (long) Math.ceil(completion.costUsd() * QuotaRule.MICROS_PER_USD);
        };
    }

    private static String value(String dimension, Exchange exchange) {
        String v = switch (dimension) {
            case "route" -> exchange.route().name();
            case "client" -> exchange.facts().clientIdentity();
            case "credential" -> exchange.credentialFingerprint();
            case "consumer" -> exchange.hostConsumer();
            case "provider" -> exchange.target().provider().slug();
            case "model" -> exchange.model();
            default -> {
                Object m = exchange.cfAig().metadata().get(dimension.substring("metadata.".length()));
                yield m == null ? null : String.valueOf(m);
            }
        };
        return v == null || v.isEmpty() ? ANONYMOUS : v;
    }

    /** Keeps ':' a separator whatever the values hold. */
    private static void escape(StringBuilder out, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '%' -> out.append("%25");
                case ':' -> out.append("%3A");
                default -> out.append(c);
            }
        }
    }
}
