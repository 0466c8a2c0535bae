package dev.fairway.cache.semantic;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vectors from an OpenAI-compatible embeddings endpoint ({@code POST .../embeddings} with
 * {@code model} and {@code input}, answering {@code data[0].embedding}): OpenAI, Azure OpenAI,
 * Mistral, or a self-hosted embedding server declared as a custom provider. {@link Embedders}
 * resolves the URL and the credential from the gateway's provider table.
 *
 * <p>A failed or slow call makes its lookup a miss, and lookups skip the endpoint for
 * {@link #BACKOFF_NANOS} after it, so an endpoint that is down costs neither a timeout per
 * request nor a log line per request. Error messages carry the status and the provider's error
 * type or code, never its message: some echo part of the key (OpenAI's 401 does).
 */
final class EndpointEmbedder implements Embedder {
    private static final Logger LOG = LoggerFactory.getLogger(EndpointEmbedder.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final long BACKOFF_NANOS = 5_000_000_000L;

    private final String name;
    private final URI uri;
    private final Map<String, String> headers;
    private final String model;
    private final Duration timeout;
    private final HttpClient client;
    private final LongSupplier nanos;
    private final AtomicLong skipUntil;
    private volatile int dimension;

    /**
     * @param name what log lines call the endpoint ({@code provider openai, model text-embedding-3-small}); no secret
     * @param headers the credential header and its value, as the provider expects it
     */
    EndpointEmbedder(String name, URI uri, Map<String, String> headers, String model, Duration timeout, LongSupplier nanos) {
        this.name = requireNonNull(name, "name");
        this.uri = requireNonNull(uri, "uri");
        this.headers = Map.copyOf(headers);
        this.model = requireNonNull(model, "model");
        this.timeout = requireNonNull(timeout, "timeout");
        this.nanos = requireNonNull(nanos, "nanos");
        // HTTP/1.1: on http:// URLs (a self-hosted server) the JDK's HTTP/2 default first tries an
        // h2c upgrade, which servers such as the JDK's own answer late or not at all.
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.skipUntil = new AtomicLong(nanos.getAsLong());
    }

    @Override
    public float[] embed(String text) {
        long now = nanos.getAsLong();
        if (now - skipUntil.get() < 0) {
            throw new Unavailable("embeddings endpoint (" + name + ") skipped after a failure");
        }
        try {
            return Vectors.unit(parse(call(text)));
        } catch (RuntimeException e) {
            skipUntil.set(now + BACKOFF_NANOS);
            LOG.warn("semantic cache: embeddings endpoint ({}) failed: {}; lookups answer as misses for {} s",
                    name, e.getMessage(), BACKOFF_NANOS / 1_000_000_000L);
            throw new Unavailable(e.getMessage());
        }
    }

    @Override
    public int dimension() {
        return dimension;
    }

    private JsonNode call(String text) {
        ObjectNode body = JSON.createObjectNode().put("model", model).put("input", text).put("encoding_format", "float");
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        headers.forEach(request::header);
        HttpResponse<byte[]> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new IllegalStateException(e.getClass().getSimpleName() + " calling " + uri.getHost());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted calling " + uri.getHost());
        }
        JsonNode answer = read(response.body());
        if (response.statusCode() != 200) {
            JsonNode error = answer.path("error");
            String detail = error.path("code").isTextual() ? error.path("code").asText() : error.path("type").asText("");
            throw new IllegalStateException("HTTP " + response.statusCode() + (detail.isEmpty() ? "" : " (" + shorten(detail) + ")"));
        }
        return answer;
    }

    private float[] parse(JsonNode answer) {
        JsonNode vector = answer.path("data").path(0).path("embedding");
        if (!vector.isArray() || vector.isEmpty()) {
            throw new IllegalStateException("the answer has no data[0].embedding array of numbers");
        }
        float[] v = new float[vector.size()];
        for (int i = 0; i < v.length; i++) {
            JsonNode x = vector.get(i);
            if (!x.isNumber()) {
                throw new IllegalStateException("data[0].embedding[" + i + "] is not a number");
            }
            v[i] = x.floatValue();
        }
        int known = dimension;
        if (known != 0 && known != v.length) {
            // One index holds one model's vectors: a model swapped behind the same name must not mix in.
            throw new IllegalStateException("the vector has " + v.length + " dimensions (expected: " + known + ", as before)");
        }
        dimension = v.length;
        return v;
    }

    private static JsonNode read(byte[] body) {
        try {
            JsonNode n = JSON.readTree(body);
            return n == null ? JSON.missingNode() : n;
        } catch (IOException e) {
            return JSON.missingNode();
        }
    }

    private static String shorten(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
