package dev.fairway.config;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

@Doc("A self-hosted or extra OpenAI-compatible provider (vLLM, Ollama, a private Mistral), reachable as /<slug>/...")
public record CustomProvider(
        @Doc("The provider's path segment, lower case letters, digits and dashes.") String slug,
        @Doc("Upstream base URL, for example http://10.0.0.5:8000/v1.") String baseUrl,
        @Doc(value = "How the credential is sent: bearer, x-api-key, api-key or none.", defaultValue = "bearer") Auth auth,
        @Doc(value = "Wire format of the provider's API, for usage and translation: openai, anthropic or google.", defaultValue = "openai") Format format,
        @Doc(value = "Region tags for data-residency policy, for example [ch] or [eu].", defaultValue = "[]") List<String> regions)
        implements Validatable {

    private static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    public CustomProvider {
        auth = Objects.requireNonNullElse(auth, Auth.BEARER);
        format = Objects.requireNonNullElse(format, Format.OPENAI);
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
    }

    /** The credential styles a custom provider may use: the provider rows' names for them. */
    public enum Auth {
        BEARER("bearer"), X_API_KEY("x-api-key"), API_KEY("api-key"), NONE("none");

        private final String written;

        Auth(String written) {
            this.written = written;
        }

        @JsonValue
        @Override
        public String toString() {
            return written;
        }
    }

    /** The wire formats a custom provider may speak: those usage and /compat translation know. */
    public enum Format {
        OPENAI, ANTHROPIC, GOOGLE;

        @JsonValue
        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
