package dev.fairway.provider;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fairway.config.CustomProvider;
import dev.fairway.config.ProviderSettings;
import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The providers a process knows: the built-in rows of {@code providers.json} plus configured custom ones. */
public final class ProviderRegistry {
    private final Map<String, Provider> bySlug;

    private ProviderRegistry(Map<String, Provider> bySlug) {
        this.bySlug = Collections.unmodifiableMap(bySlug);
    }

    public static ProviderRegistry builtIn() {
        return withCustom(List.of());
    }

    public static ProviderRegistry withCustom(List<CustomProvider> custom) {
        Map<String, Provider> rows = new LinkedHashMap<>();
        for (Provider p : loadBuiltIn()) {
            rows.put(p.slug(), p);
        }
        for (CustomProvider c : custom) {
            if (rows.containsKey(c.slug()) && !rows.get(c.slug()).custom()) {
                throw new IllegalArgumentException("custom provider " + c.slug() + " would shadow the built-in one");
            }
            rows.put(c.slug(), new Provider(c.slug(), stripSlash(c.baseUrl()), AuthStyle.fromConfig(c.auth()),
                    WireFormat.fromConfig(c.format()), c.regions(), List.of("v1"), null, false, null, null, List.of(), true));
        }
        return new ProviderRegistry(rows);
    }

    public Provider get(String slug) {
        return bySlug.get(slug);
    }

    /** Every slug, in registry order: the list a 404 for an unknown provider shows. */
    public List<String> slugs() {
        return List.copyOf(bySlug.keySet());
    }

    public Provider require(String slug) {
        Provider p = bySlug.get(slug);
        if (p == null) {
            throw GatewayError.of(ErrorType.UNKNOWN_PROVIDER, "unknown provider: %s", shorten(slug))
                    .with("provider", shorten(slug)).with("known_providers", slugs());
        }
        return p;
    }

    /**
     * Builds the upstream target for {@code rest}, the path after the provider segment.
     *
     * @param rest path below {@code /<provider>/}, without a leading slash, still percent-encoded
     * @param rawQuery the query string or null
     * @param extraVars placeholder values the URL shape supplies (Cloudflare's account id)
     */
    public UpstreamTarget target(Provider provider, String rest, String rawQuery, ProviderSettings settings,
                                 Map<String, String> extraVars) {
        requireNonNull(settings, "settings");
        List<String> segments = segments(rest);
        Map<String, String> vars = new HashMap<>();
        int used = PathTemplate.bind(provider, segments, vars);
        List<String> remaining = provider.consumeTemplate() ? segments.subList(used, segments.size()) : segments;
        remaining = stripOptionalPrefix(provider, remaining);

        String path = String.join("/", remaining);
        return build(provider, path, rawQuery, settings, PathTemplate.merge(vars, PathTemplate.merge(settings.params(), extraVars)),
                pathModel(provider, path, vars));
    }

    /**
     * The target for an API path on {@code provider} ({@code chat/completions}, {@code v1/messages}),
     * as a fallback or a translation calls it: placeholders come from config params only.
     */
    public UpstreamTarget targetForApiPath(Provider provider, String apiPath, String rawQuery, ProviderSettings settings,
                                           Map<String, String> extraVars) {
        requireNonNull(settings, "settings");
        String path = apiPath.startsWith("/") ? apiPath.substring(1) : apiPath;
        Map<String, String> vars = PathTemplate.merge(settings.params(), extraVars);
        return build(provider, path, rawQuery, settings, vars, pathModel(provider, path, vars));
    }

    private static UpstreamTarget build(Provider provider, String path, String rawQuery, ProviderSettings settings,
                                        Map<String, String> vars, String pathModel) {
        String base = PathTemplate.fill(provider, settings.baseUrl() != null ? stripSlash(settings.baseUrl()) : provider.baseUrl(), vars);
        String url = base + (path.isEmpty() ? "" : "/" + path) + (rawQuery == null || rawQuery.isEmpty() ? "" : "?" + rawQuery);
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw GatewayError.invalidField("path", "the request path is not a valid URL path");
        }
        return new UpstreamTarget(provider, uri, settings, path, pathModel, provider.streamsByPath(path));
    }

    private static List<String> segments(String rest) {
        List<String> out = new ArrayList<>();
        for (String s : rest.split("/", -1)) {
            if (s.isEmpty()) {
                continue;
            }
            String decoded;
            try {
                decoded = URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw GatewayError.invalidField("path", "path segment " + shorten(s) + " is not valid percent-encoding");
            }
            if (decoded.equals(".") || decoded.equals("..") || decoded.contains("/") || decoded.contains("\\")) {
                throw GatewayError.invalidField("path", "path segments may not be '.', '..' or contain encoded slashes");
            }
            out.add(s);
        }
        return out;
    }

    private static List<String> stripOptionalPrefix(Provider provider, List<String> segments) {
        for (String prefix : provider.optionalPrefixes()) {
            String[] parts = prefix.split("/");
            if (segments.size() >= parts.length) {
                boolean match = true;
                for (int i = 0; i < parts.length && match; i++) {
                    match = parts[i].equals(segments.get(i));
                }
                if (match) {
                    return segments.subList(parts.length, segments.size());
                }
            }
        }
        return segments;
    }

    private static String pathModel(Provider provider, String path, Map<String, String> vars) {
        if (provider.modelFromVar() != null) {
            return vars.get(provider.modelFromVar());
        }
        if (provider.modelInPath() == null) {
            return null;
        }
        int at = path.indexOf(provider.modelInPath());
        if (at < 0) {
            return null;
        }
        int start = at + provider.modelInPath().length();
        int end = path.indexOf('/', start);
        String segment = path.substring(start, end < 0 ? path.length() : end);
        // Google appends ":method" to the model; Bedrock ids end in ":0" and keep it.
        int colon = segment.lastIndexOf(':');
        if (colon > 0 && segment.substring(colon + 1).chars().allMatch(Character::isLetter)) {
            segment = segment.substring(0, colon);
        }
        return URLDecoder.decode(segment, StandardCharsets.UTF_8);
    }

    private static String shorten(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static List<Provider> loadBuiltIn() {
        try (InputStream in = ProviderRegistry.class.getResourceAsStream("providers.json")) {
            JsonNode rows = new ObjectMapper().readTree(requireNonNull(in, "providers.json"));
            List<Provider> out = new ArrayList<>();
            for (JsonNode r : rows) {
                out.add(new Provider(
                        r.path("slug").asText(),
                        r.path("base_url").asText(),
                        AuthStyle.fromConfig(r.path("auth").asText()),
                        WireFormat.fromConfig(r.path("format").asText()),
                        strings(r.path("regions")),
                        strings(r.path("optional_prefixes")),
                        r.hasNonNull("path_template") ? r.get("path_template").asText() : null,
                        r.path("consume_template").asBoolean(false),
                        r.hasNonNull("model_in_path") ? r.get("model_in_path").asText() : null,
                        r.hasNonNull("model_from_var") ? r.get("model_from_var").asText() : null,
                        strings(r.path("stream_markers")),
                        false));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("providers.json is unreadable", e);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
