package dev.fairway.config;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

@Doc("A self-hosted or extra OpenAI-compatible provider (vLLM, Ollama, a private Mistral), reachable as /<slug>/...")
public record CustomProvider(
        @Doc("The provider's path segment, lower case letters, digits and dashes.") String slug,
        @Doc("Upstream base URL, for example http://10.0.0.5:8000/v1.") String baseUrl,
        @Doc(value = "How the credential is sent: bearer, x-api-key, api-key or none.", defaultValue = "bearer") String auth,
        @Doc(value = "Wire format of the provider's API, for usage and translation: openai, anthropic or google.", defaultValue = "openai") String format,
        @Doc(value = "Region tags for data-residency policy, for example [ch] or [eu].", defaultValue = "[]") List<String> regions)
        implements Validatable {

    private static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    public CustomProvider {
        auth = Objects.requireNonNullElse(auth, "bearer");
        format = Objects.requireNonNullElse(format, "openai");
        regions = List.copyOf(Objects.requireNonNullElse(regions, List.of()));
    }

    @Override
    public void validate(Problems problems) {
        if (slug == null || !SLUG.matcher(slug).matches()) {
            problems.add("slug", "%s (expected: lower case letters, digits and dashes)", slug);
        }
        if (baseUrl == null) {
            problems.add("base_url", "required");
        } else {
            String why = UrlRules.upstreamProblem(baseUrl);
            if (why != null) {
                problems.add("base_url", "%s", why);
            }
        }
        problems.require(List.of("bearer", "x-api-key", "api-key", "none").contains(auth), "auth",
                "%s (expected: bearer, x-api-key, api-key or none)", auth);
        problems.require(List.of("openai", "anthropic", "google").contains(format), "format",
                "%s (expected: openai, anthropic or google)", format);
    }
}
