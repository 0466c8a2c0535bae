package dev.fairway.policy;

import static java.util.Objects.requireNonNull;

import dev.fairway.config.GatewayConfig;
import dev.fairway.config.Problems;
import dev.fairway.config.RouteConfig;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.Stage;
import dev.fairway.pipeline.Step;
import dev.fairway.provider.ProviderRegistry;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the route's {@link Policy} to the provider and model of a plain provider path (step 3
 * of docs/architecture.md, "One request"). A refused request is answered 403 naming the rule and is never sent anywhere.
 */
public final class PolicyStage implements Stage {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyStage.class);

    /**
     * A stage for {@code config}'s process.
     *
     * @throws dev.fairway.config.ConfigException when a route's policy names a provider the process
     *     does not know: a misspelt denied provider would otherwise deny nothing
     */
    public PolicyStage(GatewayConfig config) {
        requireNonNull(config, "config");
        ProviderRegistry registry = ProviderRegistry.withCustom(config.customProviders());
        Problems problems = new Problems();
        for (int i = 0; i < config.routes().size(); i++) {
            checkProviders(config.routes().get(i), registry, problems.at("routes", i));
        }
        problems.throwIfAny();
    }

    /**
     * Reports, under {@code problems}, every provider slug in {@code route}'s policy that
     * {@code registry} does not know. Host adapters call it for routes they configure at run time.
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

    @Override
    public String name() {
        return "policy";
    }

    @Override
    public Step open(Exchange exchange) {
        Policy policy = Policy.of(exchange.route().policy());
        if (policy.isUnrestricted()) {
            return Step.NONE;
        }
        PolicyDecision decision = policy.check(exchange.target().provider(), exchange.model());
        if (!decision.isAllowed()) {
            LOG.debug("request {} on route {} refused by {}", exchange.logId(), exchange.route().name(), decision.rule());
            throw decision.toError();
        }
        return Step.NONE;
    }
}
