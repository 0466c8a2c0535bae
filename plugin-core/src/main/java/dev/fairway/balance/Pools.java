package dev.fairway.balance;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.fairway.config.ProviderSettings;
import dev.fairway.config.QuotaRule;
import dev.fairway.config.RouteConfig;
import dev.fairway.config.Secret;
import dev.fairway.plan.PlannedTarget;
import dev.fairway.plan.TargetPools;
import dev.fairway.provider.UpstreamTarget;
import dev.fairway.quota.QuotaBackend;
import dev.fairway.quota.RuleBuckets;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * The pools of every route ({@code routes[].pools}): expands a target whose provider is pooled into
 * its admitted members in the strategy's order, each with its own URL, key, circuit and rate limit.
 * What the process learns of a member (health, attempts in flight, latency) outlives configuration
 * reloads and is bounded: at most {@link #MAX_MEMBERS} members, each forgotten after {@link #IDLE}
 * unused (forgotten is healthy and idle, which an unused member would be by then anyway).
 */
public final class Pools implements TargetPools {
    public static final long MAX_MEMBERS = 10_000;
    public static final Duration IDLE = Duration.ofHours(1);

    /** A member's figures are its route's, provider's and name's: one route's pool never counts for another's. */
    private record Key(String route, String provider, String member) {}

    private final Cache<Key, MemberStats> stats;
    private final Chooser chooser;
    private final LongSupplier nanos;
    private final QuotaBackend limits;

    /**
     * @param limits where members' rate-limit buckets live (the quota store)
     * @param random draws of the weighted strategies, in [0, 1)
     * @param nanos the clock of ejections and latencies
     */
    public Pools(QuotaBackend limits, DoubleSupplier random, LongSupplier nanos) {
        this.limits = requireNonNull(limits, "limits");
        this.chooser = new Chooser(random);
        this.nanos = requireNonNull(nanos, "nanos");
        this.stats = Caffeine.newBuilder().maximumSize(MAX_MEMBERS).expireAfterAccess(IDLE).ticker(nanos::getAsLong)
                .executor(Runnable::run).build();
    }

    @Override
    public List<PlannedTarget> expand(RouteConfig route, PlannedTarget target) {
        PoolSettings pool = poolOf(route, target.target().provider().slug());
        if (pool == null) {
            return List.of(target);
        }
        long now = nanos.getAsLong();
        List<MemberSettings> members = new ArrayList<>();
        List<MemberStats> figures = new ArrayList<>();
        for (MemberSettings m : pool.members()) {
            MemberStats s = stats(route, pool, m);
            if (s.health.admitted(now)) {
                members.add(m);
                figures.add(s);
            }
        }
        if (members.isEmpty()) {
            // Every member is ejected: the one back soonest is tried rather than refusing the request.
            MemberSettings soonest = pool.members().stream()
                    .min(Comparator.comparingLong(m -> stats(route, pool, m).health.readmittedAt() - now)).orElseThrow();
            members.add(soonest);
            figures.add(stats(route, pool, soonest));
        }
        List<Chooser.Candidate> candidates = new ArrayList<>(members.size());
        for (int i = 0; i < members.size(); i++) {
            candidates.add(new Chooser.Candidate(members.get(i).weight(), figures.get(i).outstanding(), figures.get(i).latencyNanos()));
        }
        int[] order = chooser.order(pool.strategy(), candidates);
        List<PlannedTarget> out = new ArrayList<>(order.length);
        for (int k = 0; k < order.length; k++) {
            MemberSettings m = members.get(order[k]);
            boolean lastMember = k == order.length - 1;
            // A member followed by another gets one attempt: what a retry would act on goes to the next member instead.
            out.add(target.asMember(member(route, pool, m, figures.get(order[k])), memberTarget(target.target(), m),
                    lastMember ? target.retry() : target.retry().withMaxAttempts(1)));
        }
        return out;
    }

    private static PoolSettings poolOf(RouteConfig route, String slug) {
        for (PoolSettings p : route.pools()) {
            if (slug.equals(p.provider())) {
                return p;
            }
        }
        return null;
    }

    private MemberStats stats(RouteConfig route, PoolSettings pool, MemberSettings m) {
        return stats.get(new Key(route.name(), pool.provider(), m.name()), k -> new MemberStats());
    }

    private PoolMember member(RouteConfig route, PoolSettings pool, MemberSettings m, MemberStats figures) {
        if (m.rateLimit() == null) {
            return new PoolMember(m.name(), figures, pool, nanos, limits, null, null);
        }
        QuotaRule rule = m.rateLimit().asRule(m.name());
        // A changed limit starts a new bucket, as a changed quota rule does.
        String spec = rule.limitUnits() + "/" + rule.windowDuration().toSeconds() + "/" + rule.technique();
        String key = "pool:" + route.name() + ":" + pool.provider() + ":" + m.name() + "@" + Secret.fingerprint(spec).substring(0, 8);
        return new PoolMember(m.name(), figures, pool, nanos, limits, key, RuleBuckets.configuration(rule));
    }

    /** {@code t} sent to member {@code m}: its base URL in place of the provider's, its key in place of the route's. */
    static UpstreamTarget memberTarget(UpstreamTarget t, MemberSettings m) {
        ProviderSettings s = t.settings();
        Secret key = m.apiKey() != null ? m.apiKey() : s.apiKey();
        ProviderSettings settings = new ProviderSettings(key, m.baseUrl() != null ? m.baseUrl() : s.baseUrl(), s.params(), s.aws(),
                s.keyOperations(), m.apiKey() != null ? null : s.apiKeys());
        URI uri = t.uri();
        if (m.baseUrl() != null) {
            String base = m.baseUrl().endsWith("/") ? m.baseUrl().substring(0, m.baseUrl().length() - 1) : m.baseUrl();
            String query = t.uri().getRawQuery();
            uri = URI.create(base + (t.apiPath().isEmpty() ? "" : "/" + t.apiPath()) + (query == null ? "" : "?" + query));
        }
        return new UpstreamTarget(t.provider(), uri, settings, t.apiPath(), t.pathModel(), t.pathStreams());
    }
}
