package dev.fairway.cache;

import static dev.fairway.cache.CacheHarness.CHAT;
import static dev.fairway.cache.CacheHarness.answered;
import static dev.fairway.cache.CacheHarness.forwarded;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.fairway.pipeline.Decision;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The semantic cache with {@code cache_storage.semantic_embedder} naming a provider's embeddings
 * endpoint: a stand-in server answers OpenAI's embeddings shape with bag-of-words vectors, so two
 * wordings with the same words embed alike and anything else does not.
 */
class EndpointSemanticCacheTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ANSWER = "{\"id\":\"c1\",\"choices\":[{\"message\":{\"content\":\"Yes, 14 days.\"}}]}";
    private static final String ROUTES = """
              - name: semantic
                prefix: /
                cache: {enabled: true, semantic: {enabled: true, threshold: 0.95, min_threshold: 0.9}}
            """;

    private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
    private final List<String> credentials = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private final HttpServer server;
    private final CacheHarness h;

    EndpointSemanticCacheTest(@TempDir Path dir) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/embeddings", ex -> {
            JsonNode body = JSON.readTree(ex.getRequestBody());
            bodies.add(body);
            credentials.add(ex.getRequestHeaders().getFirst("authorization"));
            byte[] out = (status == 200
                    ? "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":" + bagOfWords(body.path("input").asText()) + "}]}"
                    : "{\"error\":{\"message\":\"Incorrect API key provided: sk-emb***ret\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}")
                    .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("content-type", "application/json");
            ex.sendResponseHeaders(status, out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        server.start();
        h = new CacheHarness(dir, """
                custom_providers: [{slug: embedder, base_url: "http://127.0.0.1:%d/v1", auth: bearer}]
                providers: {embedder: {api_key: sk-embed-secret}}
                """.formatted(server.getAddress().getPort()),
                "semantic_embedder: {provider: embedder, model: test-bag-of-words}, ", ROUTES);
    }

    @AfterEach
    void stop() {
        h.close();
        server.stop(0);
    }

    /** 64 counts of hashed lower-case words: word order, case and punctuation do not matter. */
    private static String bagOfWords(String text) {
        float[] v = new float[64];
        for (String w : text.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
            if (!w.isEmpty()) {
                v[Math.floorMod(w.hashCode(), 64)] += 1;
            }
        }
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : ",").append(v[i]);
        }
        return sb.append(']').toString();
    }

    private static String ask(String question) {
        return "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + question + "\"}]}";
    }

    @Test
    void aRewordingIsAnsweredWithTheEndpointsVectorsAndTheGatewaysKey() {
        long before = h.stage.semanticStored();
        Decision miss = h.send(CHAT, ask("Is there a free trial?"));
        h.upstream(miss, 200, "application/json", ANSWER);
        CacheHarness.awaitUntil(() -> h.stage.semanticStored() > before, "the question is indexed");

        Decision.Answer hit = answered(h.send(CHAT, ask("is there a free trial")));

        assertThat(hit.headers().get("fairway-cache-match")).isEqualTo("semantic; similarity=1.000");
        assertThat(CacheHarness.body(hit)).isEqualTo(ANSWER);
        assertThat(bodies).hasSize(2).allSatisfy(b -> {
            assertThat(b.path("model").asText()).isEqualTo("test-bag-of-words");
            assertThat(b.path("encoding_format").asText()).isEqualTo("float");
        });
        assertThat(bodies.get(1).path("input").asText()).isEqualTo("is there a free trial");
        assertThat(credentials).containsOnly("Bearer sk-embed-secret");
        // Other words, other vector: a miss.
        Decision other = h.send(CHAT, ask("Is there a student discount?"));
        assertThat(forwarded(other).responseHeaders().get("cf-aig-cache-status")).isEqualTo("MISS");
        h.upstream(other, 503, "application/json", "{}");
    }

    @Test
    void aFailingEndpointMakesLookupsMissesAndIsNotCalledPerRequestWhileItBacksOff() {
        status = 401;

        Decision first = h.send(CHAT, ask("Is there a free trial?"));
        assertThat(forwarded(first).responseHeaders().get("cf-aig-cache-status")).isEqualTo("MISS");
        h.upstream(first, 503, "application/json", "{}");
        Decision second = h.send(CHAT, ask("Do you offer a free trial?"));
        assertThat(forwarded(second).responseHeaders().get("cf-aig-cache-status")).isEqualTo("MISS");
        h.upstream(second, 503, "application/json", "{}");

        assertThat(bodies).as("the second lookup skipped the endpoint that failed a moment ago").hasSize(1);
    }
}
