package dev.fairway.config;

import java.net.URI;
import java.util.Map;
import java.util.Objects;

@Doc("Credentials and overrides for one provider. When the gateway holds a key, it replaces whatever credential the client sent.")
public record ProviderSettings(
        @Doc("The provider API key the gateway sends; a literal, ${env:NAME} or ${file:/path}. When absent, the client's own credential passes through.") Secret apiKey,
        @Doc("Replaces the provider's upstream base URL (an absolute https URL; http only for loopback or private hosts).") String baseUrl,
        @Doc("Values for placeholders in the provider's URL template, such as account_id for workers-ai or resource for azure-openai; a request path naming another value for the same placeholder is answered 400.") Map<String, String> params,
        @Doc("AWS credentials for aws-bedrock; the gateway signs with SigV4 when set.") AwsCredentials aws)
        implements Validatable {

    public ProviderSettings {
        params = Map.copyOf(Objects.requireNonNullElse(params, Map.of()));
    }

    public static ProviderSettings none() {
        return new ProviderSettings(null, null, null, null);
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
                aws != null ? aws : base.aws);
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
    }

    static URI uri(String url) {
        return URI.create(url);
    }
}
