package dev.fairway.plan;

import static java.util.Objects.requireNonNull;

import dev.fairway.body.RequestBody;
import dev.fairway.config.ProviderSettings;
import dev.fairway.config.RouteConfig;
import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.headers.CfAigHeaders;
import dev.fairway.provider.Provider;
import dev.fairway.provider.ProviderRegistry;
import dev.fairway.provider.UpstreamTarget;
import java.util.Map;

/**
 * Cloudflare's REST API shape, {@code /client/v4/accounts/{account_id}/ai/...}: the path names the
 * API ({@code v1/chat/completions}, {@code v1/responses}, {@code v1/messages}, {@code v1/embeddings},
 * {@code run/{model}}) and the body's {@code {author}/{model}} names the provider. Each request becomes
 * one of the shapes the gateway already serves: chat completions go through {@code /compat}, the
 * others to the provider's own path with the model renamed to the provider's name for it.
 */
public final class RestApi {
    private final ProviderRegistry registry;
    private final Planner planner;
    private final Map<String, ProviderSettings> processProviders;

    public RestApi(ProviderRegistry registry, Planner planner, Map<String, ProviderSettings> processProviders) {
        this.registry = requireNonNull(registry, "registry");
        this.planner = requireNonNull(planner, "planner");
        this.processProviders = requireNonNull(processProviders, "processProviders");
    }

    /** What the exchange carries: the body as sent upstream (model renamed) and the plan. */
    public record Planned(RequestBody body, DispatchPlan plan) {}

    public Planned plan(RouteConfig route, String rest, String rawQuery, RequestBody body, CfAigHeaders cfAig,
                        Map<String, String> extraVars) {
        if (rest.startsWith("run/")) {
            return run(route, rest.substring("run/".length()), rawQuery, body, cfAig, extraVars);
        }
        String api = switch (rest) {
            case "v1/chat/completions", "v1/responses", "v1/messages", "v1/embeddings" -> rest.substring(3);
            default -> throw GatewayError.of(ErrorType.NOT_FOUND,
                    "the REST API serves /ai/v1/chat/completions, /ai/v1/responses, /ai/v1/messages, /ai/v1/embeddings and /ai/run/{model}")
                    .with("path", shorten("ai/" + rest));
        };
        String named = body.model();
        int slash = named == null ? -1 : named.indexOf('/');
        if (slash <= 0 || slash == named.length() - 1) {
            throw GatewayError.invalidField("model", "model: expected {author}/{model}, such as openai/gpt-4.1, anthropic/claude-sonnet-4-5, "
                    + "google/gemini-2.5-flash or @cf/meta/llama-3.1-8b-instruct");
        }
        Provider provider = provider(named.substring(0, slash));
        // Workers AI's own model names keep their @cf/ author; other providers know the model without it.
        String model = provider.modelKeepsAuthor() ? named : named.substring(slash + 1);
        if (api.equals("chat/completions")) {
            RequestBody compat = rename(body, provider.slug() + "/" + model);
            return new Planned(compat, planner.forCompat(route, "chat/completions", compat, cfAig, extraVars));
        }
        String path = switch (api) {
            case "messages" -> requireFormat(provider, "anthropic", "/ai/v1/messages", "v1/messages");
            // Workers AI serves the OpenAI Responses and embeddings APIs below its /v1 (the row's optional prefix).
            default -> requireFormat(provider, "openai", "/ai/v1/" + api, "v1/" + api);
        };
        RequestBody renamed = rename(body, model);
        ProviderSettings settings = route.providerSettings(provider.slug(), processProviders);
        UpstreamTarget target = registry.target(provider, path, rawQuery, settings, extraVars);
        return new Planned(renamed, planner.forProviderPath(route, target, renamed, cfAig, extraVars));
    }

    /** {@code /ai/run/@cf/{author}/{model}}: Workers AI's model endpoint, the body as Workers AI expects it. */
    private Planned run(RouteConfig route, String model, String rawQuery, RequestBody body, CfAigHeaders cfAig, Map<String, String> extraVars) {
        if (!model.startsWith("@cf/") && !model.startsWith("@hf/")) {
            throw GatewayError.invalidField("model", "/ai/run/" + shorten(model) + ": the gateway runs Workers AI models (@cf/..., @hf/...) here; "
                    + "call other authors' models through /ai/v1/chat/completions, /ai/v1/responses or /ai/v1/messages");
        }
        Provider workersAi = registry.require("workers-ai");
        UpstreamTarget target = registry.target(workersAi, model, rawQuery, route.providerSettings(workersAi.slug(), processProviders), extraVars);
        return new Planned(body, planner.forProviderPath(route, target, body, cfAig, extraVars));
    }

    private Provider provider(String author) {
        Provider p = registry.forAuthor(author);
        if (p == null) {
            throw GatewayError.of(ErrorType.UNKNOWN_PROVIDER, "model author %s names no provider (expected: openai, anthropic, google, @cf "
                    + "or a provider slug)", shorten(author)).with("provider", shorten(author)).with("known_providers", registry.slugs());
        }
        return p;
    }

    private static String requireFormat(Provider provider, String format, String endpoint, String path) {
        if (!provider.format().name().equalsIgnoreCase(format)) {
            throw GatewayError.invalidField("model", String.format("model: %s speaks %s; %s reaches %s-format providers only",
                    provider.slug(), provider.format().name().toLowerCase(java.util.Locale.ROOT), endpoint, format));
        }
        return path;
    }

    private static RequestBody rename(RequestBody body, String model) {
        return body.withModel(model);
    }

    private static String shorten(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}
