package dev.fairway.provider;

import static java.util.Objects.requireNonNull;

import dev.fairway.config.CustomProvider;
import dev.fairway.config.ProviderSettings;
import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
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
    /** Other names Cloudflare accepts for a provider ({@code perplexity} for {@code perplexity-ai}). */
    private final Map<String, Provider> byAlias;

    /** REST API model authors that are not slugs ({@code google}, {@code @cf}), from the rows' {@code model_authors}. */
    private final Map<String, Provider> byAuthor;

    private ProviderRegistry(Map<String, Provider> bySlug, Map<String, Provider> byAlias, Map<String, Provider> byAuthor) {
        this.bySlug = Collections.unmodifiableMap(bySlug);
        this.byAlias = Collections.unmodifiableMap(byAlias);
        this.byAuthor = Map.copyOf(byAuthor);
    }

    public static ProviderRegistry builtIn() {
        return withCustom(List.of());
    }

    public static ProviderRegistry withCustom(List<CustomProvider> custom) {
        Map<String, Provider> rows = new LinkedHashMap<>();
        Map<String, Provider> aliases = new HashMap<>();
        Map<String, Provider> authors = new HashMap<>();
        for (ProviderRow r : ProviderRow.builtIn()) {
            Provider p = r.provider();
            rows.put(p.slug(), p);
            r.aliases().forEach(a -> aliases.put(a, p));
            p.modelAuthors().forEach(a -> authors.put(a, p));
        }
        // A custom provider's gateway-held key serves what the first built-in row of its wire format allows
        // (OpenAI's for OpenAI-compatible servers), with or without the v1/ its base URL may leave to the path.
        Map<WireFormat, KeyOperations> byFormat = new HashMap<>();
        rows.values().forEach(p -> byFormat.putIfAbsent(p.format(), p.keyOperations().orUnder("v1")));
        for (CustomProvider c : custom) {
            if (rows.containsKey(c.slug()) && !rows.get(c.slug()).custom() || aliases.containsKey(c.slug())) {
                throw new IllegalArgumentException("custom provider " + c.slug() + " would shadow the built-in one");
            }
            // The path after the slug is appended to base_url as given: no optional prefix is stripped, since
            // the operator's base URL says exactly where the API lives. Self-hosted OpenAI-compatible servers
            // (vLLM, Ollama) take stream_options.
            AuthStyle auth = AuthStyle.fromConfig(c.auth().toString());
            WireFormat format = WireFormat.fromConfig(c.format().toString());
            Provider p = new Provider(c.slug(), stripSlash(c.baseUrl()), auth, format, c.regions(), List.of(), null, false,
                    null, null, List.of(), true, null, Map.of(), Map.of(), null, byFormat.getOrDefault(format, KeyOperations.NONE),
                    true, null, List.of(), false);
            rows.put(c.slug(), p);
            // Cloudflare names custom providers custom-{slug} in paths and in /compat models.
            aliases.putIfAbsent("custom-" + c.slug(), p);
        }
        return new ProviderRegistry(rows, aliases, authors);
    }

    public Provider get(String slug) {
        Provider p = bySlug.get(slug);
        return p != null ? p : byAlias.get(slug);
    }

    /** The provider a REST API model author names ({@code openai}, {@code google}, {@code @cf}), or null. */
    public Provider forAuthor(String author) {
        Provider p = byAuthor.get(author);
        return p != null ? p : get(author);
    }

    /** Every slug, in registry order: the list a 404 for an unknown provider shows. */
    public List<String> slugs() {
        return List.copyOf(bySlug.keySet());
    }

    public Provider require(String slug) {
        Provider p = get(slug);
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
        requireConfiguredValues(provider, vars, settings.params());
        List<String> remaining = provider.consumeTemplate() ? segments.subList(used, segments.size()) : segments;
        List<String> stripped = stripOptionalPrefix(provider, remaining);
        String otherBase = stripped == remaining && provider.otherPathsBaseUrl() != null && !remaining.isEmpty()
                ? provider.otherPathsBaseUrl() : null;

        String path = String.join("/", stripped);
        Map<String, String> all = PathTemplate.merge(vars, PathTemplate.merge(settings.params(), extraVars));
        return build(provider, otherBase, path, rawQuery, settings, all, pathModel(provider, path, vars));
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
        return build(provider, null, path, rawQuery, settings, vars, pathModel(provider, path, vars));
    }

    /**
     * The target of a translated request on a row with a {@code model_path} (Vertex): the translator's
     * model path ({@code v1beta/models/gemini:generateContent}) moves to where the row keeps models, with
     * {@code publisher/model} split into its two segments ({@code google} when only a model is named).
     */
    public UpstreamTarget targetForModel(Provider provider, String model, String translatorPath, String rawQuery,
                                         ProviderSettings settings, Map<String, String> extraVars) {
        if (provider.modelPath() == null) {
            return targetForApiPath(provider, translatorPath, rawQuery, settings, extraVars);
        }
        int slash = model.indexOf('/');
        String publisher = slash < 0 ? "google" : model.substring(0, slash);
        String name = slash < 0 ? model : model.substring(slash + 1);
        if (publisher.isEmpty() || name.isEmpty() || publisher.equals("..") || name.equals("..") || publisher.equals(".") || name.equals(".")) {
            throw GatewayError.invalidField("model", "model: " + shorten(model) + " (expected: publisher/model, such as google/gemini-2.5-flash)");
        }
        Map<String, String> vars = PathTemplate.merge(PathTemplate.merge(settings.params(), extraVars), provider.paramDefaults());
        vars.put("publisher", publisher);
        vars.put("model", name);
        int colon = translatorPath.indexOf(':', translatorPath.lastIndexOf('/') + 1);
        String path = PathTemplate.fill(provider, provider.modelPath(), vars) + (colon < 0 ? "" : translatorPath.substring(colon));
        return build(provider, null, path, rawQuery, settings, vars, name);
    }

    /**
     * @param otherBase the row's base URL for paths outside its versioned API, or null
     */
    private static UpstreamTarget build(Provider provider, String otherBase, String path, String rawQuery, ProviderSettings settings,
                                        Map<String, String> pathAndConfigVars, String pathModel) {
        Map<String, String> vars = PathTemplate.merge(pathAndConfigVars, provider.paramDefaults());
        String base = PathTemplate.fill(provider, settings.baseUrl() != null ? stripSlash(settings.baseUrl()) : rowBase(provider, otherBase, vars), vars);
        String url = base + (path.isEmpty() ? "" : "/" + path) + (rawQuery == null || rawQuery.isEmpty() ? "" : "?" + rawQuery);
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw GatewayError.invalidField("path", "the request path is not a valid URL path");
        }
        return new UpstreamTarget(provider, uri, settings, path, pathModel, provider.streamsByPath(path));
    }

    private static String rowBase(Provider provider, String otherBase, Map<String, String> vars) {
        for (Map.Entry<String, String> when : provider.baseUrlWhen().entrySet()) {
            int eq = when.getKey().indexOf('=');
            if (when.getKey().substring(eq + 1).equals(vars.get(when.getKey().substring(0, eq)))) {
                return when.getValue();
            }
        }
        return otherBase != null ? otherBase : provider.baseUrl();
    }

    /**
     * A value the operator configured (the Azure resource, the Vertex project) is the one used with the
     * gateway's key: a path naming another is refused, not followed. The configured value is not
     * repeated in the answer.
     */
    private static void requireConfiguredValues(Provider provider, Map<String, String> fromPath, Map<String, String> configured) {
        for (Map.Entry<String, String> e : fromPath.entrySet()) {
            String pinned = configured.get(e.getKey());
            String given = URLDecoder.decode(e.getValue().replace("+", "%2B"), StandardCharsets.UTF_8);
            if (pinned != null && !pinned.equals(given)) {
                throw GatewayError.invalidField(e.getKey(), String.format(
                        "path {%s}: %s differs from providers.%s.params.%s, which this gateway is configured for (expected: the configured value)",
                        e.getKey(), shorten(given), provider.slug(), e.getKey()));
            }
        }
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
}
