package dev.fairway.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A plain JDK HTTP/1.1 client for talking to the mock, as a gateway would. */
final class Http {

    static final ObjectMapper JSON = new ObjectMapper();

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private Http() {
    }

    /** What arrived before the body ended, and how it ended: cleanly, or with {@code failure}. */
    record Received(int status, HttpHeaders headers, String body, IOException failure) {
        JsonNode json() {
            return parse(body);
        }
    }

    static HttpResponse<String> post(MockProvider mock, String path, String body, String... headers) {
        return send(request(mock, path, headers).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    static HttpResponse<String> get(MockProvider mock, String path, String... headers) {
        return send(request(mock, path, headers).GET().build());
    }

    static JsonNode postJson(MockProvider mock, String path, String body, String... headers) {
        HttpResponse<String> response = post(mock, path, body, headers);
        if (response.statusCode() != 200) {
            throw new AssertionError("HTTP " + response.statusCode() + ": " + response.body());
        }
        return parse(response.body());
    }

    /**
     * Reads the whole body as it arrives, keeping what came before a broken connection. A body
     * publisher is used because the JDK's InputStream handler drops buffered bytes once it fails.
     */
    static Received receive(MockProvider mock, String path, String body, String... headers) throws IOException {
        HttpRequest request = request(mock, path, headers).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        Collector collector = new Collector();
        HttpResponse<Flow.Publisher<List<ByteBuffer>>> response;
        try {
            response = CLIENT.send(request, HttpResponse.BodyHandlers.ofPublisher());
            response.body().subscribe(collector);
            collector.done.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException(e);
        }
        IOException failure = collector.failure == null ? null
                : collector.failure instanceof IOException io ? io : new IOException(collector.failure);
        return new Received(response.statusCode(), response.headers(), collector.text(), failure);
    }

    /** Keeps every body buffer delivered before the end, whichever way the body ends. */
    private static final class Collector implements Flow.Subscriber<List<ByteBuffer>> {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        volatile Throwable failure;

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public synchronized void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                bytes.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            failure = throwable;
            done.complete(null);
        }

        @Override
        public void onComplete() {
            done.complete(null);
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + json, e);
        }
    }

    static HttpResponse<String> send(HttpRequest request) {
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static HttpRequest.Builder request(MockProvider mock, String path, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(mock.baseUrl() + path))
                .timeout(Duration.ofSeconds(10))
                .header("content-type", "application/json");
        if (headers.length > 0) {
            builder.headers(headers);
        }
        return builder;
    }
}
