package dev.fairway.mock;

import dev.fairway.mock.Directives.HeaderFault;
import dev.fairway.mock.MockOptions.FaultRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Decides which fault, if any, one request gets, and counts the requests that fault budgets
 * ({@code times}) are spent on. Header faults win over configured rules: a request that carries
 * fault headers is judged by them alone.
 */
final class FaultPlan {

    private final List<FaultRule> rules;
    private final List<AtomicInteger> ruleUses;
    private final ConcurrentMap<String, AtomicInteger> headerUses = new ConcurrentHashMap<>();

    FaultPlan(List<FaultRule> rules) {
        this.rules = List.copyOf(Objects.requireNonNull(rules, "rules"));
        this.ruleUses = new ArrayList<>();
        this.rules.forEach(r -> ruleUses.add(new AtomicInteger()));
    }

    /**
     * @param fingerprint identifies the request's method, path and body; it is the budget's counter
     *     when the headers name no {@code x-mock-fail-key}, so retries of one request share a budget
     */
    Optional<Fault> decide(RecordedRequest request, Optional<HeaderFault> fromHeaders, String fingerprint) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(fromHeaders, "fromHeaders");
        Objects.requireNonNull(fingerprint, "fingerprint");
        if (fromHeaders.isPresent()) {
            return fromHeaders(request, fromHeaders.get(), fingerprint);
        }
        for (int i = 0; i < rules.size(); i++) {
            FaultRule rule = rules.get(i);
            if (rule.when().test(request) && withinBudget(rule.fault(), ruleUses.get(i))) {
                return Optional.of(rule.fault());
            }
        }
        return Optional.empty();
    }

    private Optional<Fault> fromHeaders(RecordedRequest request, HeaderFault h, String fingerprint) {
        if (h.failModel() != null && !request.model().filter(h.failModel()::equals).isPresent()) {
            return Optional.empty();
        }
        if (h.fault().times().isEmpty()) {
            return Optional.of(h.fault());
        }
        String key = h.failKey() != null ? "key:" + h.failKey() : "request:" + fingerprint;
        AtomicInteger uses = headerUses.computeIfAbsent(key, k -> new AtomicInteger());
        return withinBudget(h.fault(), uses) ? Optional.of(h.fault()) : Optional.empty();
    }

    /** Spends one use of the fault's budget; true while the budget lasts (always, without one). */
    private static boolean withinBudget(Fault fault, AtomicInteger uses) {
        if (fault.times().isEmpty()) {
            return true;
        }
        // Saturating, so a mock left running for billions of requests never wraps back into failing.
        return uses.getAndUpdate(n -> n == Integer.MAX_VALUE ? n : n + 1) < fault.times().getAsInt();
    }

    /** Forgets every request counted so far; the faults themselves stay. */
    void reset() {
        ruleUses.forEach(u -> u.set(0));
        headerUses.clear();
    }
}
