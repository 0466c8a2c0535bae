package dev.fairway.config;

import dev.fairway.auth.AuthSettings;
import dev.fairway.balance.PoolSettings;
import dev.fairway.prompt.ExperimentSettings;
import dev.fairway.error.ErrorFormat;
import dev.fairway.plan.FallbackSettings;
import dev.fairway.retry.BreakerSettings;
import dev.fairway.retry.RetrySettings;
import dev.fairway.guardrail.GuardrailSettings;
import dev.fairway.policy.PolicySettings;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything that can differ from one route to the next. This record is what the hosts configure:
 * Kong's plugin config, APISIX's {@code fairway} conf value and Envoy's per-route settings are all
 * read into it, so a field added here appears in every host's schema.
 *
 * <p>Tests and callers build it from YAML or JSON through {@link ConfigLoader}, never through the
 * canonical constructor, which grows as features land.
 */
@Doc("The AI gateway settings of one route.")
public record RouteConfig(
        @Match(value = ".*\\S.*", expected = "not blank", message = "must not be blank")
        @Doc(value = "Route name, used in logs, metrics, analytics and quota keys.", defaultValue = "default") String name,
        @NotContaining(value = {"//", ".."}, expected = "a plain path such as /ai")
        @Doc(value = "URL prefix the route serves: /<prefix>/<provider>/... (the standalone gateway matches on it; hosts route before us).", defaultValue = "/") String prefix,
        @Match(value = "[A-Za-z0-9_-]+", expected = "1 to 64 letters, digits, - and _")
        @Length(min = 1, max = 64, expected = "1 to 64 letters, digits, - and _")
        @Doc("Pins the gateway id this route serves in Cloudflare's URL shape /v1/{account_id}/{gateway_id}/<provider>/... "
                + "(and in cf-aig-gateway-id on the REST API shape); unique across routes. When no route sets one, every gateway "
                + "id reaches the default route (the one at prefix /, or the host's route).") String gatewayId,
        @Doc("Per-provider credentials and overrides for this route, keyed by provider slug; they take precedence over the process-wide ones.") Map<String, ProviderSettings> providers,
        @Between(min = 1, max = Integer.MAX_VALUE, expected = "> 0")
        @Doc(value = "Default time allowed for the first byte of the upstream response, in milliseconds; cf-aig-request-timeout overrides it per request.", defaultValue = "120000") Integer requestTimeoutMs,
        @Between(min = 1, max = 512L * 1024 * 1024)
        @Doc(value = "Largest request body accepted, in bytes; larger ones are answered 413.", defaultValue = "10485760") Long maxBodyBytes,
        @Doc(value = "Gateway authentication (cf-aig-authorization tokens or the host's consumer); off when left out.", defaultValue = "{enabled: false}") AuthSettings auth,
        @Doc(value = "Provider, model and region rules (data residency); unrestricted when left out.", defaultValue = "{}") PolicySettings policy,
        @Doc(value = "Request guardrails (PII detectors and custom patterns) with flag or block actions; none when left out.", defaultValue = "{}") GuardrailSettings guardrails,
        @Doc(value = "Quotas on requests, tokens or cost, each with its own key, window and technique; a request must fit all of them.", defaultValue = "[]") List<QuotaRule> quotas,
        @Doc("Request logs of this route: on or off, payloads, redaction, headers left out.") LoggingSettings logging,
        @Doc(value = "Retries of each upstream target before the client gets a byte.", defaultValue = "{max_attempts: 1}") RetrySettings retry,
        @Doc(value = "Targets tried in order when the requested one fails (other providers or models).", defaultValue = "{targets: []}") FallbackSettings fallback,
        @Doc(value = "Circuit breaker per target: a failing target is skipped for a cool-down, then probed.", defaultValue = "{enabled: true}") BreakerSettings circuitBreaker,
        @Doc("Exact response cache of this route; off unless enabled.") CacheSettings cache,
        @Doc(value = "How errors the gateway answers itself are worded: fairway ({\"error\":{\"type\":...,\"message\":...}}, naming the header or field at fault) or cloudflare (Cloudflare AI Gateway's {\"success\":false,\"result\":[],\"messages\":[],\"error\":[{\"code\":2009,\"message\":\"Unauthorized\"}]} with its codes). The status code is the same either way; provider errors pass through unchanged.", defaultValue = "fairway") ErrorFormat errors,
        @Doc(value = "Answer 400 to any cf-aig-* header value the gateway cannot act on; when false, such values are ignored, clamped into range or cut (metadata beyond five entries), as Cloudflare does, and listed in the fairway-ignored-headers response header. cf-aig-authorization and cf-aig-byok-alias are refused when malformed either way.", defaultValue = "false") Boolean strictHeaders,
        @Doc(value = "This route's own routing flows (Cloudflare Dynamic Routing JSON, {\"elements\": [...]}), keyed by name, called with model \"dynamic/<name>\" on this route only; they shadow a process-wide flow of the same name. Version 1, or the integer \"version\" the JSON carries. A value may also be the JSON as text (Kong's plugin schema holds it so).", defaultValue = "{}") Map<String, com.fasterxml.jackson.databind.JsonNode> flows,
        @Doc(value = "Pools: a provider of this route served by several members (deployments, keys, replicas), with a strategy, passive health and per-member rate limits; one pool per provider.", defaultValue = "[]") List<PoolSettings> pools,
        @Doc(value = "Experiments splitting this route's requests for a prompt or a model between arms by percentage.", defaultValue = "[]") List<ExperimentSettings> experiments)
        implements Validatable {

    public static final long DEFAULT_MAX_BODY = 10L * 1024 * 1024;

    public RouteConfig {
        name = Objects.requireNonNullElse(name, "default");
        prefix = normalizePrefix(Objects.requireNonNullElse(prefix, "/"));
        providers = Map.copyOf(Objects.requireNonNullElse(providers, Map.of()));
        requestTimeoutMs = Objects.requireNonNullElse(requestTimeoutMs, 120_000);
        maxBodyBytes = Objects.requireNonNullElse(maxBodyBytes, DEFAULT_MAX_BODY);
        auth = Objects.requireNonNullElseGet(auth, AuthSettings::disabled);
        policy = Objects.requireNonNullElseGet(policy, PolicySettings::unrestricted);
        guardrails = Objects.requireNonNullElseGet(guardrails, GuardrailSettings::none);
        quotas = List.copyOf(Objects.requireNonNullElse(quotas, List.of()));
        logging = Objects.requireNonNullElseGet(logging, LoggingSettings::defaults);
        retry = Objects.requireNonNullElseGet(retry, RetrySettings::defaults);
        fallback = Objects.requireNonNullElseGet(fallback, FallbackSettings::none);
        circuitBreaker = Objects.requireNonNullElseGet(circuitBreaker, BreakerSettings::defaults);
        cache = Objects.requireNonNullElseGet(cache, CacheSettings::defaults);
        errors = Objects.requireNonNullElse(errors, ErrorFormat.FAIRWAY);
        strictHeaders = Objects.requireNonNullElse(strictHeaders, false);
        flows = Map.copyOf(Objects.requireNonNullElse(flows, Map.of()));
        pools = List.copyOf(Objects.requireNonNullElse(pools, List.of()));
        experiments = List.copyOf(Objects.requireNonNullElse(experiments, List.of()));
    }

    /** The provider settings this route uses for {@code slug}, layered over the process-wide ones. */
    public ProviderSettings providerSettings(String slug, Map<String, ProviderSettings> processWide) {
        ProviderSettings mine = providers.get(slug);
        ProviderSettings base = processWide.get(slug);
        if (mine == null) {
            return base == null ? ProviderSettings.none() : base;
        }
        return mine.over(base);
    }

    private static String normalizePrefix(String p) {
        String s = p.startsWith("/") ? p : "/" + p;
        while (s.length() > 1 && s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    @Override
    public void validate(Problems problems) {
        // Single-field rules are the components' constraint annotations, checked by Constraints.
        providers.forEach((slug, settings) -> {
            if (settings != null) {
                settings.validate(problems.atKey("providers", slug));
            }
        });
        auth.validate(problems.at("auth"));
        policy.validate(problems.at("policy"));
        guardrails.validate(problems.at("guardrails"));
        validateQuotas(problems);
        logging.validate(problems.at("logging"));
        retry.validate(problems.at("retry"));
        fallback.validate(problems.at("fallback"));
        circuitBreaker.validate(problems.at("circuit_breaker"));
        cache.validate(problems.at("cache"));
        dev.fairway.flow.FlowConfig.check(flows, problems);
        PoolSettings.validateAll(pools, problems);
        ExperimentSettings.validateAll(experiments, problems);
    }

    private void validateQuotas(Problems problems) {
        HashSet<String> names = new HashSet<>();
        for (int i = 0; i < quotas.size(); i++) {
            QuotaRule rule = quotas.get(i);
            if (rule == null) {
                problems.at("quotas", i).add("", "must not be empty");
                continue;
            }
            rule.validate(problems.at("quotas", i));
            if (rule.name() != null && !names.add(rule.name())) {
                problems.at("quotas", i).add("name", "%s is used by another rule of this route", rule.name());
            }
        }
    }
}
