package dev.fairway.config;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;

@Doc("Credentials and overrides for one provider. When the gateway holds a key, it replaces whatever credential the client sent.")
public record ProviderSettings(
        @Doc("The provider API key the gateway sends; a literal, ${env:NAME} or ${file:/path}. When absent, the client's own credential passes through.") Secret apiKey,
        @Doc("Replaces the provider's upstream base URL (an absolute https URL; http only for loopback or private hosts).") String baseUrl,
        @Doc("Values for placeholders in the provider's URL template, such as account_id for workers-ai or resource for azure-openai; a request path naming another value for the same placeholder is answered 400.") Map<String, String> params,
        @Doc("AWS credentials for aws-bedrock; the gateway signs with SigV4 when set.") AwsCredentials aws,
        @Doc(value = "Operations the gateway's key (api_key, aws) may serve beyond the provider's own list (inference, embeddings, models; see key_operations in providers.json), as \"METHOD path\" below the provider's base URL, * for any characters within a segment, ** for any segments: [\"POST batches\", \"GET files/*\"]. Any other operation needs the client's own key or is answered 403. A route's list adds to the process-wide one.", defaultValue = "[]") List<String> keyOperations)
        implements Validatable {

    public ProviderSettings {
        params = Map.copyOf(Objects.requireNonNullElse(params, Map.of()));
        keyOperations = List.copyOf(Objects.requireNonNullElse(keyOperations, List.of()));
    }

    public ProviderSettings(Secret apiKey, String baseUrl, Map<String, String> params, AwsCredentials aws) {
        this(apiKey, baseUrl, params, aws, null);
    }

    public static ProviderSettings none() {
        return new ProviderSettings(null, null, null, null);
    }

    /** Whether the gateway holds a credential for this provider (an API key or AWS keys). */
    public boolean holdsCredential() {
        return apiKey != null || aws != null;
    }

    /** The same settings without the gateway's credentials: the client's own pass through. */
    public ProviderSettings withoutCredentials() {
        return new ProviderSettings(null, baseUrl, params, null, keyOperations);
    }

    /** This row's fields, falling back to {@code base} where this one leaves a field out. */
    public ProviderSettings over(ProviderSettings base) {
        if (base == null) {
            return this;
        }
        var merged = new java.util.HashMap<>(base.params);
        merged.putAll(params);
        return new ProviderSettings(
                apiKey != null ? apiKey : base.apiKey,
                baseUrl != null ? baseUrl : base.baseUrl,
                merged,
                aws != null ? aws : base.aws,
                java.util.stream.Stream.concat(base.keyOperations.stream(), keyOperations.stream()).distinct().toList());
    }

    @Override
    public void validate(Problems problems) {
        if (baseUrl != null) {
            String why = UrlRules.upstreamProblem(baseUrl);
            if (why != null) {
                problems.add("base_url", "%s", why);
            }
        }
        if (aws != null) {
            aws.validate(problems.at("aws"));
        }
        for (int i = 0; i < keyOperations.size(); i++) {
            String why = dev.fairway.provider.KeyOperations.problem(keyOperations.get(i));
            problems.require(why == null, "key_operations[" + i + "]", "%s", why);
        }
    }

    static URI uri(String url) {
        return URI.create(url);
    }
}
