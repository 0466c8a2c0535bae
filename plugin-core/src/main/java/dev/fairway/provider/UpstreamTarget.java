package dev.fairway.provider;

import static java.util.Objects.requireNonNull;

import dev.fairway.config.ProviderSettings;
import java.net.URI;

/**
 * Where one attempt goes: the provider row, the full upstream URI and the settings (credentials)
 * that apply. Built by {@link ProviderRegistry#target}; fallback chains hold several.
 *
 * @param apiPath the API's own path below the base URL ({@code chat/completions}), the same for every
 *     provider of one API family: a fallback to another provider keeps it
 * @param pathModel the model named by the path (Google, Bedrock, Azure), or null when the body names it
 * @param pathStreams whether the path alone asks for a stream
 */
public record UpstreamTarget(Provider provider, URI uri, ProviderSettings settings, String apiPath, String pathModel, boolean pathStreams) {
    public UpstreamTarget {
        requireNonNull(provider, "provider");
        requireNonNull(uri, "uri");
        requireNonNull(settings, "settings");
        requireNonNull(apiPath, "apiPath");
    }

    /** The upstream path with its query, as sent on the request line. */
    public String pathAndQuery() {
        String raw = uri.getRawPath();
        return uri.getRawQuery() == null ? raw : raw + "?" + uri.getRawQuery();
    }
}
