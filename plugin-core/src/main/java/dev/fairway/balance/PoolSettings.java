package dev.fairway.balance;

import dev.fairway.config.Between;
import dev.fairway.config.Doc;
import dev.fairway.config.Match;
import dev.fairway.config.Problems;
import dev.fairway.config.Required;
import dev.fairway.config.Validatable;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

@Doc("A pool: the members one provider of this route is served by (deployments, keys, replicas), how the first is chosen, and when a failing one is left out.")
public record PoolSettings(
        @Required
        @Match(value = ".*\\S.*", expected = "not blank", message = "required")
        @Doc("Provider slug the pool serves on this route: every target of that provider (the requested one, a fallback, a /compat model) goes to its members.") String provider,
        @Doc(value = "weighted_random, least_outstanding or lowest_latency (an average of the time to first byte, two members drawn by weight, the faster wins).", defaultValue = "weighted_random") Strategy strategy,
        @Doc("The members, at least one; names unique.") List<MemberSettings> members,
        @Between(min = 1, max = 100, expected = "1 to 100")
        @Doc(value = "Consecutive failures (connection errors, timeouts, 5xx and 429 answers the route retries or falls back on) that eject a member.", defaultValue = "3") Integer ejectAfter,
        @Between(min = 1, max = 3600, expected = "1 to 3600")
        @Doc(value = "Seconds an ejected member is left out before it is tried again; one more failure then ejects it again, a success re-admits it.", defaultValue = "30") Integer cooldownSeconds)
        implements Validatable {

    public PoolSettings {
        strategy = Objects.requireNonNullElse(strategy, Strategy.WEIGHTED_RANDOM);
        members = List.copyOf(Objects.requireNonNullElse(members, List.of()));
        ejectAfter = Objects.requireNonNullElse(ejectAfter, 3);
        cooldownSeconds = Objects.requireNonNullElse(cooldownSeconds, 30);
    }

    @Override
    public void validate(Problems problems) {
        problems.require(!members.isEmpty(), "members", "empty (expected: at least one member)");
        Set<String> names = new HashSet<>();
        for (int i = 0; i < members.size(); i++) {
            MemberSettings m = members.get(i);
            if (m == null) {
                problems.at("members", i).add("", "must not be empty");
                continue;
            }
            m.validate(problems.at("members", i));
            if (m.name() != null && !names.add(m.name())) {
                problems.at("members", i).add("name", "%s is used by another member of this pool", m.name());
            }
        }
    }

    /** Config-load check of a route's pools: one pool per provider. */
    public static void validateAll(List<PoolSettings> pools, Problems problems) {
        Set<String> providers = new HashSet<>();
        for (int i = 0; i < pools.size(); i++) {
            PoolSettings p = pools.get(i);
            if (p == null) {
                problems.at("pools", i).add("", "must not be empty");
                continue;
            }
            p.validate(problems.at("pools", i));
            if (p.provider() != null && !providers.add(p.provider())) {
                problems.at("pools", i).add("provider", "%s has another pool on this route", p.provider());
            }
        }
    }
}
