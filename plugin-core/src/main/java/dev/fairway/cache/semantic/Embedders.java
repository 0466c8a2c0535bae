package dev.fairway.cache.semantic;

import dev.fairway.config.ConfigException;
import dev.fairway.config.GatewayConfig;
import dev.fairway.config.ProviderSettings;
import dev.fairway.config.SemanticEmbedderSettings;
import dev.fairway.provider.AuthStyle;
import dev.fairway.provider.Provider;
import dev.fairway.provider.ProviderRegistry;
import dev.fairway.provider.UpstreamTarget;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The process's embedder, as {@code cache_storage.semantic_embedder} names it, and where its index
 * lives: each model's vectors in a directory of their own, since two models' vectors do not compare.
 */
public final class Embedders {
    private static final String SETTING = "cache_storage.semantic_embedder";

    private Embedders() {}

    /**
     * The embedder {@code config} names, made when first asked (the in-process model takes a second
     * to load).
     *
     * @throws ConfigException when the named provider is unknown, does not speak OpenAI's embeddings
     *     operation at that path, or has no key the gateway holds while it needs one
     */
    public static Supplier<Embedder> of(GatewayConfig config) {
        SemanticEmbedderSettings s = config.cacheStorage().semanticEmbedder();
        if (!s.endpoint()) {
            return MiniLmEmbedder::shared;
        }
        ProviderRegistry registry = ProviderRegistry.withCustom(config.customProviders());
        Provider provider = registry.get(s.provider());
        if (provider == null) {
            throw new ConfigException(SETTING + ".provider: " + s.provider() + " (expected: one of " + registry.slugs() + ")");
        }
        if (provider.format() != dev.fairway.provider.WireFormat.OPENAI
                || !"embeddings".equals(provider.keyOperations().match("POST", s.path()))) {
            throw new ConfigException(SETTING + ".path: POST " + s.path() + " is not an OpenAI-compatible embeddings operation of "
                    + s.provider() + " (expected: a provider in OpenAI's format whose key_operations list it under embeddings)");
        }
        ProviderSettings settings = config.providers().getOrDefault(s.provider(), ProviderSettings.none());
        Map<String, String> headers;
        if (provider.auth() == AuthStyle.NONE) {
            headers = Map.of();
        } else if (settings.apiKey() == null) {
            throw new ConfigException(SETTING + ".provider: " + s.provider() + " needs providers." + s.provider()
                    + ".api_key (the gateway calls the embeddings endpoint with its own key)");
        } else {
            dev.fairway.http.Headers h = new dev.fairway.http.Headers();
            provider.auth().apply(h, settings.apiKey().reveal());
            Map<String, String> m = new java.util.LinkedHashMap<>();
            h.forEach(m::put);
            headers = m;
        }
        UpstreamTarget target = registry.targetForApiPath(provider, s.path(), null, settings, Map.of());
        String name = "provider " + s.provider() + ", model " + s.model();
        EndpointEmbedder embedder = new EndpointEmbedder(name, target.uri(), headers, s.model(),
                Duration.ofMillis(s.timeoutMs()), System::nanoTime);
        return () -> embedder;
    }

    /**
     * The in-process model, for a cache built from its storage settings alone (tests, benchmarks):
     * an endpoint needs the provider table, so it is refused here.
     */
    public static Supplier<Embedder> inProcess(dev.fairway.config.CacheStorageSettings storage) {
        if (storage.semanticEmbedder().endpoint()) {
            throw new IllegalStateException(SETTING + " names an endpoint: build the cache from the whole configuration");
        }
        return MiniLmEmbedder::shared;
    }

    /** The index directory's name below {@code cache_storage.directory}: {@code semantic} for the in-process model. */
    public static String directory(SemanticEmbedderSettings s) {
        if (!s.endpoint()) {
            return "semantic";
        }
        StringBuilder id = new StringBuilder();
        for (char c : (s.provider() + "-" + s.model()).toLowerCase(Locale.ROOT).toCharArray()) {
            boolean kept = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-';
            id.append(kept ? c : '_');
        }
        // The readable part may collide ("a/b" and "a_b"); the hash of the exact names does not.
        String hash = java.util.HexFormat.of().formatHex(sha256(s.provider() + "\n" + s.model()), 0, 4);
        return "semantic-" + (id.length() <= 64 ? id : id.substring(0, 64)) + "-" + hash;
    }

    private static byte[] sha256(String s) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Threads of the semantic pool: one per core for the in-process model, the endpoint's concurrency else. */
    public static int threads(SemanticEmbedderSettings s) {
        return s.endpoint() ? s.concurrency() : 2;
    }
}
