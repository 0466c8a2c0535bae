package dev.fairway.config;

import dev.fairway.prompt.PromptSettings;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** One Fairway process: where it listens, the providers it knows and the routes it serves. */
@Doc("Fairway process configuration.")
public record GatewayConfig(
        @Doc("Listeners of the standalone gateway and the admin endpoints.") ServerSettings server,
        @Doc("Upstream connection settings of the dispatcher.") DispatchSettings dispatch,
        @Doc("Provider credentials and overrides shared by every route, keyed by provider slug.") Map<String, ProviderSettings> providers,
        @Doc("Extra OpenAI-compatible providers (self-hosted vLLM, Ollama, ...).") List<CustomProvider> customProviders,
        @Doc(value = "The routes this process serves; one default route at / when left out.", defaultValue = "[{name: default, prefix: /}]") List<RouteConfig> routes,
        @Doc("Redis shared by several gateway processes; when set, quota buckets live there instead of in this process's memory.") RedisSettings redis,
        @Doc("Model prices for cost estimates, over the shipped price table.") PricingSettings pricing,
        @Doc("The request log spool and its export to S3-compatible storage.") LogsSettings logs,
        @Doc("Storage of the exact response cache (tiers, sizes, disk directory), shared by every route.") CacheStorageSettings cacheStorage,
        @Doc(value = "OpenTelemetry traces (and optionally metrics) over OTLP; off unless enabled.", defaultValue = "{enabled: false}") TracingSettings tracing,
        @Doc(value = "Routing flows (Cloudflare Dynamic Routing) every route can call with model \"dynamic/<name>\", keyed by name (letters, digits, - and _); each value is Cloudflare's route JSON, {\"elements\": [...]}, as exported. PUT /flows/{name} on the admin listener adds versions; see README, Routing flows.", defaultValue = "{}") Map<String, com.fasterxml.jackson.databind.JsonNode> flows,
        @Doc(value = "The prompt repository: versioned templates a request names with fairway-prompt; the admin API (PUT /prompts/{name}) adds versions at run time.", defaultValue = "[]") List<PromptSettings> prompts)
        implements Validatable {

    public GatewayConfig {
        server = Objects.requireNonNullElseGet(server, ServerSettings::defaults);
        dispatch = Objects.requireNonNullElseGet(dispatch, DispatchSettings::defaults);
        providers = Map.copyOf(Objects.requireNonNullElse(providers, Map.of()));
        customProviders = List.copyOf(Objects.requireNonNullElse(customProviders, List.of()));
        routes = routes == null || routes.isEmpty() ? List.of(ConfigLoader.defaultRoute()) : List.copyOf(routes);
        pricing = Objects.requireNonNullElseGet(pricing, PricingSettings::defaults);
        logs = Objects.requireNonNullElseGet(logs, LogsSettings::defaults);
        cacheStorage = Objects.requireNonNullElseGet(cacheStorage, CacheStorageSettings::defaults);
        tracing = Objects.requireNonNullElseGet(tracing, TracingSettings::defaults);
        flows = Map.copyOf(Objects.requireNonNullElse(flows, Map.of()));
        prompts = List.copyOf(Objects.requireNonNullElse(prompts, List.of()));
    }

    @Override
    public void validate(Problems problems) {
        server.validate(problems.at("server"));
        if (redis != null) {
            redis.validate(problems.at("redis"));
        }
        dispatch.validate(problems.at("dispatch"));
        pricing.validate(problems.at("pricing"));
        logs.validate(problems.at("logs"));
        cacheStorage.validate(problems.at("cache_storage"));
        tracing.validate(problems.at("tracing"));
        if (cacheStorage.shared().enabled() && redis == null) {
            problems.at("cache_storage").at("shared").add("enabled", "true needs the top-level redis setting (expected: redis.uri)");
        }
        PromptSettings.validateAll(prompts, problems);
        providers.forEach((slug, settings) -> {
            if (settings != null) {
                settings.validate(problems.atKey("providers", slug));
            }
        });
        Set<String> slugs = new HashSet<>();
        for (int i = 0; i < customProviders.size(); i++) {
            CustomProvider p = customProviders.get(i);
            p.validate(problems.at("custom_providers", i));
            if (p.slug() != null && !slugs.add(p.slug())) {
                problems.at("custom_providers", i).add("slug", "%s is declared twice", p.slug());
            }
        }
        dev.fairway.flow.FlowConfig.check(flows, problems);
        Set<String> names = new HashSet<>();
        List<String> prefixes = new ArrayList<>();
        Set<String> gatewayIds = new HashSet<>();
        for (int i = 0; i < routes.size(); i++) {
            RouteConfig r = routes.get(i);
            r.validate(problems.at("routes", i));
            if (!names.add(r.name())) {
                problems.at("routes", i).add("name", "%s is used by another route", r.name());
            }
            if (prefixes.contains(r.prefix())) {
                problems.at("routes", i).add("prefix", "%s is served by another route", r.prefix());
            }
            prefixes.add(r.prefix());
            // One gateway id, one route: otherwise /v1/{account}/{id}/... would reach whichever route is listed first.
            if (r.gatewayId() != null && !gatewayIds.add(r.gatewayId())) {
                problems.at("routes", i).add("gateway_id", "%s is served by another route", r.gatewayId());
            }
        }
        for (String route : tracing.captureContentRoutes()) {
            problems.at("tracing").require(names.contains(route), "capture_content_routes", "%s (expected: a route name)", route);
        }
    }
}
