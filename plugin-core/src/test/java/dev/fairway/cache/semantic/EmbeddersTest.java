package dev.fairway.cache.semantic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.fairway.config.ConfigException;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.GatewayConfig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@code cache_storage.semantic_embedder}: which embedder a configuration names, and the endpoint embedder's failures. */
class EmbeddersTest {
    private static GatewayConfig config(String yaml) {
        return ConfigLoader.withEnv(Map.of()).parse(yaml);
    }

    @Test
    void theInProcessModelUnlessAProviderIsNamedEachModelInItsOwnDirectory() {
        GatewayConfig local = config("cache_storage: {}");
        assertThat(Embedders.directory(local.cacheStorage().semanticEmbedder())).isEqualTo("semantic");
        String small = Embedders.directory(config("""
                providers: {openai: {api_key: sk-x}}
                cache_storage: {semantic_embedder: {provider: openai, model: text-embedding-3-small}}
                """).cacheStorage().semanticEmbedder());
        String large = Embedders.directory(config("""
                providers: {openai: {api_key: sk-x}}
                cache_storage: {semantic_embedder: {provider: openai, model: text-embedding-3-large}}
                """).cacheStorage().semanticEmbedder());
        assertThat(small).startsWith("semantic-openai-text-embedding-3-small-").isNotEqualTo(large);
    }

    @Test
    void aProviderWithoutAnEmbeddingsOperationOrKeyIsRefusedAtStartNamingTheSetting() {
        assertThatThrownBy(() -> Embedders.of(config("cache_storage: {semantic_embedder: {provider: nope, model: m}}")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("cache_storage.semantic_embedder.provider: nope (expected: one of [");
        assertThatThrownBy(() -> Embedders.of(config("""
                providers: {anthropic: {api_key: sk-x}}
                cache_storage: {semantic_embedder: {provider: anthropic, model: m}}
                """))).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("cache_storage.semantic_embedder.path: POST embeddings is not an OpenAI-compatible embeddings operation of anthropic");
        assertThatThrownBy(() -> Embedders.of(config("cache_storage: {semantic_embedder: {provider: openai, model: m}}")))
                .isInstanceOf(ConfigException.class).hasMessage("cache_storage.semantic_embedder.provider: openai needs providers.openai.api_key"
                        + " (the gateway calls the embeddings endpoint with its own key)");
    }

    @Test
    void aModelWithoutProviderAndBadBoundsAreConfigErrors() {
        assertThatThrownBy(() -> config("cache_storage: {semantic_embedder: {model: m}}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cache_storage.semantic_embedder.model: m (expected: only with provider");
        assertThatThrownBy(() -> config("cache_storage: {semantic_embedder: {provider: openai, model: m, concurrency: 0, timeout_ms: 5}}"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cache_storage.semantic_embedder.concurrency: 0 (expected: 1..64)")
                .hasMessageContaining("cache_storage.semantic_embedder.timeout_ms: 5 (expected: 100..60000)");
    }

    @Test
    void aFailureNamesTheStatusAndCodeButNeverTheProvidersMessageAndBacksOff() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            calls.incrementAndGet();
            byte[] out = "{\"error\":{\"message\":\"Incorrect API key provided: sk-abc***xyz\",\"code\":\"invalid_api_key\"}}"
                    .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(401, out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        server.start();
        try {
            AtomicLong now = new AtomicLong(1_000);
            EndpointEmbedder e = new EndpointEmbedder("provider p, model m",
                    URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/embeddings"),
                    Map.of("authorization", "Bearer sk-abc-secret-xyz"), "m", Duration.ofSeconds(2), now::get);

            assertThatThrownBy(() -> e.embed("hello")).isInstanceOf(Embedder.Unavailable.class)
                    .hasMessage("HTTP 401 (invalid_api_key)");
            assertThatThrownBy(() -> e.embed("hello")).isInstanceOf(Embedder.Unavailable.class)
                    .hasMessageContaining("skipped after a failure").hasMessageNotContaining("sk-");
            assertThat(calls).hasValue(1);

            now.addAndGet(EndpointEmbedder.BACKOFF_NANOS);
            assertThatThrownBy(() -> e.embed("hello")).isInstanceOf(Embedder.Unavailable.class);
            assertThat(calls).as("called again once the back-off is over").hasValue(2);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aVectorIsUnitLengthAndItsDimensionMayNotChange() throws Exception {
        AtomicInteger size = new AtomicInteger(3);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            String v = size.get() == 3 ? "[3, 0, 4]" : "[1, 0]";
            byte[] out = ("{\"data\":[{\"embedding\":" + v + "}]}").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        server.start();
        try {
            EndpointEmbedder e = new EndpointEmbedder("provider p, model m",
                    URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/embeddings"), Map.of(), "m",
                    Duration.ofSeconds(2), System::nanoTime);
            assertThat(e.embed("a")).containsExactly(0.6f, 0f, 0.8f);
            assertThat(e.dimension()).isEqualTo(3);
            size.set(2);
            assertThatThrownBy(() -> e.embed("b")).isInstanceOf(Embedder.Unavailable.class)
                    .hasMessage("the vector has 2 dimensions (expected: 3, as before)");
        } finally {
            server.stop(0);
        }
    }
}
