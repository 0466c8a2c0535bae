package dev.fairway.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fairway.config.ConfigException;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.GatewayConfig;
import dev.fairway.config.QuotaRule;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Quota rules and Redis settings as operators write them, and the errors a bad one gets. */
class QuotaConfigTest {
    private static final ConfigLoader LOADER = ConfigLoader.withEnv(Map.of("REDIS_PASSWORD_URI", "redis://:s3cret@10.0.0.5:6380"));

    private static GatewayConfig parse(String yaml) {
        return LOADER.parse(yaml);
    }

    private static String problem(String quotasYaml) {
        return assertThatThrownBy(() -> parse("routes:\n  - name: chat\n    quotas:\n" + quotasYaml))
                .isInstanceOf(ConfigException.class).actual().getMessage();
    }

    @Test
    void aFullRuleIsReadWithItsParsedForms() {
        QuotaRule rule = parse("""
                routes:
                  - name: chat
                    quotas:
                      - name: per-user-spend
                        key: [client, metadata.user, model]
                        unit: cost_usd
                        limit: 2.5
                        window: 1d
                        technique: sliding
                        on_store_failure: fail_closed
                """).routes().get(0).quotas().get(0);
        assertThat(rule.key()).containsExactly("client", "metadata.user", "model");
        assertThat(rule.unit()).isEqualTo(QuotaRule.Unit.COST_USD);
        assertThat(rule.limitUnits()).isEqualTo(2_500_000);
        assertThat(rule.windowDuration()).isEqualTo(Duration.ofDays(1));
        assertThat(rule.technique()).isEqualTo(QuotaRule.Technique.SLIDING);
        assertThat(rule.onStoreFailure()).isEqualTo(QuotaRule.StoreFailure.FAIL_CLOSED);
    }

    @Test
    void defaultsAreRequestsPerRouteFixedAndFailOpen() {
        QuotaRule rule = parse("routes: [{quotas: [{name: r, limit: 10, window: 15m}]}]").routes().get(0).quotas().get(0);
        assertThat(rule.key()).containsExactly("route");
        assertThat(rule.unit()).isEqualTo(QuotaRule.Unit.REQUESTS);
        assertThat(rule.technique()).isEqualTo(QuotaRule.Technique.FIXED);
        assertThat(rule.onStoreFailure()).isEqualTo(QuotaRule.StoreFailure.FAIL_OPEN);
        assertThat(rule.windowDuration()).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void routesWithoutQuotasHaveNone() {
        assertThat(parse("{}").routes().get(0).quotas()).isEmpty();
    }

    @Test
    void anUnknownDimensionIsNamedWithItsPath() {
        assertThat(problem("      - {name: a, limit: 1, window: 60s}\n      - {name: b, key: [client, ip], limit: 1, window: 60s}\n"))
                .contains("routes[0].quotas[1].key[1]: ip (expected: one of route, client, credential, consumer, provider, model, metadata.<key>)");
        assertThat(problem("      - {name: b, key: [metadata.], limit: 1, window: 60s}\n"))
                .contains("routes[0].quotas[0].key[0]: metadata.");
    }

    @Test
    void aZeroOrNegativeLimitIsRefused() {
        assertThat(problem("      - {name: a, limit: 0, window: 60s}\n")).contains("routes[0].quotas[0].limit: 0 (expected: > 0)");
        assertThat(problem("      - {name: a, limit: -5, window: 60s}\n")).contains("routes[0].quotas[0].limit: -5 (expected: > 0)");
        assertThat(problem("      - {name: a, window: 60s}\n")).contains("routes[0].quotas[0].limit: missing");
    }

    @Test
    void aFractionalLimitIsOnlyForCost() {
        assertThat(problem("      - {name: a, unit: input_tokens, limit: 2.5, window: 60s}\n"))
                .contains("routes[0].quotas[0].limit: 2.5 (expected: a whole number of input_tokens");
        assertThat(problem("      - {name: a, unit: cost_usd, limit: 0.0000001, window: 60s}\n"))
                .contains("routes[0].quotas[0].limit: 1.0E-7 (expected: 0.000001 to");
    }

    @Test
    void anUnknownUnitOrTechniqueIsRefusedListingTheChoices() {
        assertThat(problem("      - {name: a, limit: 1, window: 60s}\n      - {name: b, unit: bytes, limit: 1, window: 60s}\n"))
                .isEqualTo("routes[0].quotas[1].unit: bytes (expected: requests, upstream_attempts, input_tokens, output_tokens, total_tokens or cost_usd)");
        assertThat(problem("      - {name: a, limit: 1, window: 60s, technique: leaky}\n"))
                .isEqualTo("routes[0].quotas[0].technique: leaky (expected: fixed or sliding)");
        assertThat(problem("      - {name: a, limit: 1, window: 60s, on_store_failure: retry}\n"))
                .isEqualTo("routes[0].quotas[0].on_store_failure: retry (expected: fail_open or fail_closed)");
        // A number is not an enum's position: unit 5 was read as cost_usd.
        assertThat(problem("      - {name: a, unit: 5, limit: 1, window: 60s}\n"))
                .isEqualTo("routes[0].quotas[0].unit: 5 (expected: requests, upstream_attempts, input_tokens, output_tokens, total_tokens or cost_usd)");
    }

    @Test
    void aBadWindowIsRefused() {
        for (String w : List.of("60", "0s", "1w", "367d", "-1s", "1.5h", "soon")) {
            assertThat(problem("      - {name: a, limit: 1, window: '" + w + "'}\n"))
                    .as(w).contains("routes[0].quotas[0].window: " + w + " (expected: a whole number with s, m, h or d, from 1s to 366d");
        }
        assertThat(problem("      - {name: a, limit: 1}\n")).contains("routes[0].quotas[0].window: missing");
    }

    @Test
    void namesMustBeUniqueAndHeaderSafe() {
        assertThat(problem("      - {name: a, limit: 1, window: 60s}\n      - {name: a, limit: 2, window: 1h}\n"))
                .contains("routes[0].quotas[1].name: a is used by another rule of this route");
        assertThat(problem("      - {name: 'per user', limit: 1, window: 60s}\n"))
                .contains("routes[0].quotas[0].name: per user (expected: 1 to 64 letters");
        assertThat(problem("      - {limit: 1, window: 60s}\n")).contains("routes[0].quotas[0].name: null");
    }

    @Test
    void everyProblemOfARuleIsReportedAtOnce() {
        assertThat(problem("      - {name: a, key: [ip], limit: 0, window: 1y}\n").split("\n")).containsExactly(
                "routes[0].quotas[0].key[0]: ip (expected: one of route, client, credential, consumer, provider, model, metadata.<key>)",
                "routes[0].quotas[0].limit: 0 (expected: > 0)",
                "routes[0].quotas[0].window: 1y (expected: a whole number with s, m, h or d, from 1s to 366d, e.g. 60s, 1h, 1d)");
    }

    @Test
    void aHostsRouteConfigNamesPathsFromTheRoute() {
        assertThatThrownBy(() -> LOADER.parseRoute("quotas: [{name: a, limit: 1, window: 60s, unit: requests}, {name: b, limit: 0, window: 1h}]"))
                .hasMessage("quotas[1].limit: 0 (expected: > 0)");
    }

    @Test
    void redisSettingsHaveDefaultsAndResolveSecrets() {
        GatewayConfig config = parse("redis: {uri: '${env:REDIS_PASSWORD_URI}'}");
        assertThat(config.redis().uri().reveal()).isEqualTo("redis://:s3cret@10.0.0.5:6380");
        assertThat(config.redis().connectTimeoutMs()).isEqualTo(2000);
        assertThat(config.redis().commandTimeoutMs()).isEqualTo(500);
        assertThat(config.redis().keyPrefix()).isEqualTo("fairway:quota:");
        assertThat(parse("{}").redis()).isNull();
    }

    @Test
    void aBadRedisUriIsRefusedWithoutQuotingIt() {
        assertThatThrownBy(() -> parse("redis: {uri: 'http://:s3cret@10.0.0.5', command_timeout_ms: 0}"))
                .hasMessage("redis.uri: not a redis://host:port or rediss://host:port URI\nredis.command_timeout_ms: 0 (expected: > 0)")
                .message().doesNotContain("s3cret");
        assertThatThrownBy(() -> parse("redis: {connect_timeout_ms: 10}")).hasMessageContaining("redis.uri: missing");
    }

    @org.junit.jupiter.api.Test
    void aRuleFasterThanABucketCanRefillIsRefusedAtLoad() {
        var e = org.assertj.core.api.Assertions.catchThrowableOfType(dev.fairway.config.ConfigException.class,
                () -> dev.fairway.config.ConfigLoader.withEnv(java.util.Map.of())
                        .parse("routes: [{name: r, quotas: [{name: huge, limit: 1000000000000, window: 60s}]}]"));
        org.assertj.core.api.Assertions.assertThat(e.getMessage())
                .contains("routes[0].quotas[0].limit: 1000000000000 per 60s is more than one unit per nanosecond");
    }
}
