package dev.fairway.policy;

import dev.fairway.config.Problems;
import dev.fairway.config.RouteConfig;
import dev.fairway.provider.ProviderRegistry;
import java.util.List;
import java.util.Set;

/**
 * The configuration check of a route's {@link Policy}: every provider slug it names must be known,
 * since a misspelt denied provider would otherwise deny nothing. The policy itself is applied by
 * {@link dev.fairway.plan.Planner} to every target a request may try, the first included.
 */
public final class PolicyCheck {
    private PolicyCheck() {}

    /**
     * Reports, under {@code problems}, every provider slug in {@code route}'s policy that
     * {@code registry} does not know. The gateway calls it for every route it loads, host-configured
     * ones included.
     */
    public static void checkProviders(RouteConfig route, ProviderRegistry registry, Problems problems) {
        Set<String> known = Set.copyOf(registry.slugs());
        Problems at = problems.at("policy");
        check(route.policy().allowedProviders(), "allowed_providers", known, at);
        check(route.policy().deniedProviders(), "denied_providers", known, at);
    }

    private static void check(List<String> slugs, String field, Set<String> known, Problems problems) {
        for (int i = 0; i < slugs.size(); i++) {
            if (!known.contains(slugs.get(i))) {
                problems.add(field + "[" + i + "]", "%s (expected: a known provider slug)", slugs.get(i));
            }
        }
    }
}
