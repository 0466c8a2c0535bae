package dev.fairway.quota;

import dev.fairway.config.QuotaRule;
import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.pipeline.Completion;
import dev.fairway.pipeline.Decision;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.Step;
import dev.fairway.pipeline.Usage;
import dev.fairway.pipeline.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One exchange's quotas: requests are taken and token/cost budgets checked before dispatch, all
 * rules at once; tokens and cost are charged when the exchange completes.
 */
final class QuotaStep implements Step {
    private final Exchange exchange;
    private final Buckets buckets;
    private final List<CompiledRule> rules;
    private final List<String> keys;
    /** Per rule, what {@link #charge} already took during a session; {@link #afterCompletion} takes only the rest. */
    private final long[] charged;

    QuotaStep(Exchange exchange, Buckets buckets, List<CompiledRule> rules) {
        this.exchange = exchange;
        this.buckets = buckets;
        this.rules = rules;
        this.keys = new ArrayList<>(rules.size());
        this.charged = new long[rules.size()];
        for (CompiledRule r : rules) {
            keys.add(r.key(exchange));
        }
    }

    @Override
    public CompletableFuture<Verdict> beforeDispatch() {
        @SuppressWarnings("unchecked")
        CompletableFuture<Outcome>[] checks = new CompletableFuture[rules.size()];
        for (int i = 0; i < checks.length; i++) {
            CompiledRule rule = rules.get(i);
            // Token and cost rules refuse only once nothing is left: the request's own usage is
            // unknown until it has run, and is charged then.
            checks[i] = buckets.on(rule, keys.get(i), b -> rule.countsRequests()
                    ? b.asVerbose().tryConsumeAndReturnRemaining(1).thenApply(r -> Outcome.ofConsumption(rule, r))
                    : b.asVerbose().estimateAbilityToConsume(1).thenApply(r -> Outcome.ofEstimation(rule, r)),
                    Outcome.unavailable(rule));
        }
        return CompletableFuture.allOf(checks).thenApply(v -> {
            List<Outcome> outcomes = new ArrayList<>(checks.length);
            for (CompletableFuture<Outcome> c : checks) {
                outcomes.add(c.join());
            }
            return decide(outcomes);
        });
    }

    private Verdict decide(List<Outcome> outcomes) {
        Outcome refused = null;
        Outcome closed = null;
        Outcome tightest = null;
        for (Outcome o : outcomes) {
            switch (o.kind()) {
                case REFUSED -> {
                    if (refused == null || o.retryNanos() > refused.retryNanos()) {
                        refused = o;
                    }
                }
                case UNAVAILABLE -> {
                    if (closed == null && o.rule().rule().onStoreFailure() == QuotaRule.StoreFailure.FAIL_CLOSED) {
                        closed = o;
                    }
                }
                case ADMITTED -> {
                    if (tightest == null || o.remainingShare() < tightest.remainingShare()
                            || (o.remainingShare() == tightest.remainingShare() && o.resetNanos() > tightest.resetNanos())) {
                        tightest = o;
                    }
                }
            }
        }
        if (refused != null || closed != null) {
            giveBack(outcomes);
        }
        if (refused != null) {
            return Verdict.answer(rateLimited(refused));
        }
        if (closed != null) {
            String name = closed.rule().rule().name();
            GatewayError e = GatewayError.of(ErrorType.SERVICE_UNAVAILABLE,
                    "quota store unavailable: rule %s cannot be checked and is set to fail_closed", name).with("rule", name);
            return Verdict.answer(Decision.Answer.error(e));
        }
        if (tightest != null) {
            RateLimitHeaders.write(exchange.responseHeaders(), tightest);
        }
        return Verdict.PROCEED;
    }

    private Decision.Answer rateLimited(Outcome refused) {
        QuotaRule rule = refused.rule().rule();
        long retryAfter = Math.max(1, RateLimitHeaders.seconds(refused.retryNanos()));
        GatewayError e = GatewayError.of(ErrorType.RATE_LIMITED, "quota %s exhausted: %s %s per %s (%s window)",
                        rule.name(), limitText(rule), rule.unit(), rule.window(), rule.technique())
                .with("rule", rule.name())
                .with("retry_after_seconds", retryAfter);
        Decision.Answer answer = Decision.Answer.error(e);
        RateLimitHeaders.write(answer.headers(), refused);
        RateLimitHeaders.writeRetryAfter(answer.headers(), refused);
        return answer;
    }

    /** A refused request was not served: the requests other rules took for it are returned. */
    private void giveBack(List<Outcome> outcomes) {
        for (int i = 0; i < outcomes.size(); i++) {
            if (outcomes.get(i).took()) {
                buckets.on(rules.get(i), keys.get(i), b -> b.addTokens(1), null);
            }
        }
    }

    @Override
    public void afterCompletion(Completion completion) {
        if (completion.cached()) {
            // A cache hit cost the provider nothing: it counted as a request, and that is all.
            return;
        }
        for (int i = 0; i < rules.size(); i++) {
            CompiledRule rule = rules.get(i);
            long amount;
            synchronized (charged) {
                amount = rule.charge(completion) - charged[i];
            }
            if (amount > 0) {
                // Forced: the answer has been served, so the charge may overdraw the bucket; the
                // next request of this key is then refused until the debt is refilled.
                buckets.on(rule, keys.get(i), b -> b.consumeIgnoringRateLimits(amount), null);
            }
        }
    }

    /**
     * A realtime session's usage, charged as each response reports it: forced like a completion's
     * charge (the tokens are spent), then every token and cost rule is asked whether anything is
     * left; the first one exhausted ends the session with the same error a request would get.
     */
    @Override
    public CompletableFuture<GatewayError> charge(Usage usage, Double costUsd) {
        Completion part = Completion.relayed(Completion.SWITCHING_PROTOCOLS, 0, 1, -1, 0, 0).withUsage(usage, costUsd);
        List<CompletableFuture<Outcome>> checks = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            CompiledRule rule = rules.get(i);
            if (rule.countsRequests()) {
                continue;
            }
            long amount = rule.charge(part);
            synchronized (charged) {
                charged[i] += amount;
            }
            String key = keys.get(i);
            CompletableFuture<Long> taken = amount > 0
                    ? buckets.on(rule, key, b -> b.consumeIgnoringRateLimits(amount), 0L)
                    : CompletableFuture.completedFuture(0L);
            checks.add(taken.thenCompose(x -> buckets.on(rule, key,
                    b -> b.asVerbose().estimateAbilityToConsume(1).thenApply(r -> Outcome.ofEstimation(rule, r)),
                    Outcome.unavailable(rule))));
        }
        return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)).thenApply(v -> {
            for (CompletableFuture<Outcome> c : checks) {
                Outcome o = c.join();
                if (o.kind() == Outcome.Kind.REFUSED) {
                    return rateLimited(o).gatewayError();
                }
            }
            return null;
        });
    }

    private static String limitText(QuotaRule rule) {
        double l = rule.limit();
        return rule.unit() == QuotaRule.Unit.COST_USD || l != Math.rint(l) ? Double.toString(l) : Long.toString((long) l);
    }
}
