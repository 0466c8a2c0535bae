package dev.fairway.trace;

import static java.util.Objects.requireNonNull;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.GrpcResponse;
import io.opentelemetry.sdk.common.export.GrpcSender;
import io.opentelemetry.sdk.common.export.GrpcSenderConfig;
import io.opentelemetry.sdk.common.export.GrpcStatusCode;
import io.opentelemetry.sdk.common.export.MessageWriter;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.TrustOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * OTLP/gRPC export over Vert.x's HTTP/2 client, which the gateway already carries, so that the
 * exporter needs neither OkHttp nor its Kotlin runtime (OTLP/HTTP goes through the JDK's
 * HttpClient sender). One unary call per export: the length-prefixed message, then the status from
 * the trailers (or from the headers of a trailers-only answer). Retryable statuses and connection
 * failures are retried with the exporter's {@link RetryPolicy}. A custom trust manager is honoured;
 * a client certificate ({@code OTEL_EXPORTER_OTLP_CLIENT_KEY}) is not: use OTLP/HTTP for mutual TLS.
 */
final class GrpcExportSender implements GrpcSender {
    /** The statuses OTLP says a client may retry. */
    private static final Set<GrpcStatusCode> RETRYABLE = Set.of(GrpcStatusCode.CANCELLED, GrpcStatusCode.DEADLINE_EXCEEDED,
            GrpcStatusCode.RESOURCE_EXHAUSTED, GrpcStatusCode.ABORTED, GrpcStatusCode.OUT_OF_RANGE, GrpcStatusCode.UNAVAILABLE,
            GrpcStatusCode.DATA_LOSS);

    private final GrpcSenderConfig config;
    private final HttpClientOptions options;
    private final RequestOptions target;
    /** Made on the first export: an exporter the SDK replaces before using it (to add headers) starts no thread. */
    private volatile Vertx vertx;
    private volatile HttpClientAgent client;
    private volatile boolean shut;

    GrpcExportSender(GrpcSenderConfig config) {
        this.config = requireNonNull(config, "config");
        URI endpoint = config.getEndpoint();
        boolean tls = "https".equalsIgnoreCase(endpoint.getScheme());
        this.options = new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false) // collectors speak h2c with prior knowledge, not the upgrade dance
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.getConnectTimeout().toMillis()))
                .setSsl(tls)
                .setUseAlpn(tls);
        if (tls && config.getTrustManager() != null) {
            options.setTrustOptions(TrustOptions.wrap(config.getTrustManager()));
        }
        int port = endpoint.getPort() != -1 ? endpoint.getPort() : tls ? 443 : 80;
        String base = endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty() ? "/" : endpoint.getRawPath();
        this.target = new RequestOptions().setMethod(HttpMethod.POST).setHost(endpoint.getHost()).setPort(port)
                .setURI((base.endsWith("/") ? base : base + "/") + config.getFullMethodName());
    }

    /** The client, started on first use; null once shut down. */
    private synchronized HttpClientAgent client() {
        if (client == null && !shut) {
            // Its own small event loop: export never runs on (or waits for) the gateway's request threads.
            vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1).setInternalBlockingPoolSize(1));
            client = vertx.createHttpClient(options);
        }
        return client;
    }

    @Override
    public void send(MessageWriter writer, Consumer<GrpcResponse> onResponse, Consumer<Throwable> onError) {
        Buffer frame;
        try {
            frame = frame(writer);
        } catch (IOException | RuntimeException e) {
            onError.accept(e);
            return;
        }
        if (client() == null) {
            onError.accept(new IllegalStateException("the OTLP gRPC sender is shut down"));
            return;
        }
        attempt(frame, 1, onResponse, onError);
    }

    private void attempt(Buffer frame, int attempt, Consumer<GrpcResponse> onResponse, Consumer<Throwable> onError) {
        call(frame).onComplete(done -> {
            RetryPolicy retry = config.getRetryPolicy();
            boolean again = retry != null && !shut && attempt < retry.getMaxAttempts()
                    && (done.failed() ? done.cause() instanceof IOException || done.cause() instanceof io.vertx.core.VertxException
                    : RETRYABLE.contains(done.result().getStatusCode()));
            if (again) {
                vertx.setTimer(backoffMillis(retry, attempt), t -> attempt(frame, attempt + 1, onResponse, onError));
            } else if (done.succeeded()) {
                onResponse.accept(done.result());
            } else {
                onError.accept(done.cause());
            }
        });
    }

    /** The delay before attempt {@code attempt + 1}: exponential from the initial backoff, capped, with jitter. */
    static long backoffMillis(RetryPolicy retry, int attempt) {
        double max = retry.getInitialBackoff().toMillis() * Math.pow(retry.getBackoffMultiplier(), attempt - 1);
        long capped = (long) Math.min(max, retry.getMaxBackoff().toMillis());
        return Math.max(1, (long) (capped * java.util.concurrent.ThreadLocalRandom.current().nextDouble(0.8, 1.0)));
    }

    private Future<GrpcResponse> call(Buffer frame) {
        RequestOptions export = new RequestOptions(target);
        export.putHeader("content-type", "application/grpc");
        export.putHeader("te", "trailers");
        if (config.getCompressor() != null) {
            export.putHeader("grpc-encoding", config.getCompressor().getEncoding());
        }
        Map<String, List<String>> headers = config.getHeadersSupplier() == null ? Map.of() : config.getHeadersSupplier().get();
        headers.forEach((name, values) -> values.forEach(value -> export.addHeader(name, value)));
        long timeout = config.getTimeout().toMillis();
        Future<GrpcResponse> call = client.request(export)
                .compose(request -> request.send(frame))
                .compose(response -> response.body().map(body -> response(response, body)));
        return (timeout > 0 ? call.timeout(timeout, TimeUnit.MILLISECONDS) : call)
                .recover(e -> e instanceof java.util.concurrent.TimeoutException
                        ? Future.succeededFuture(new Answer(GrpcStatusCode.DEADLINE_EXCEEDED, "export timed out after " + timeout + " ms", null))
                        : Future.failedFuture(e));
    }

    private GrpcResponse response(HttpClientResponse response, Buffer body) {
        if (response.statusCode() != 200) {
            // Not a gRPC answer (a proxy's error page): the gRPC spec's mapping of HTTP statuses.
            GrpcStatusCode code = switch (response.statusCode()) {
                case 401 -> GrpcStatusCode.UNAUTHENTICATED;
                case 403 -> GrpcStatusCode.PERMISSION_DENIED;
                case 404 -> GrpcStatusCode.UNIMPLEMENTED;
                case 429, 502, 503, 504 -> GrpcStatusCode.UNAVAILABLE;
                default -> GrpcStatusCode.UNKNOWN;
            };
            return new Answer(code, "HTTP " + response.statusCode(), null);
        }
        MultiMap trailers = response.trailers();
        String status = trailers.get("grpc-status") != null ? trailers.get("grpc-status") : response.getHeader("grpc-status");
        String message = trailers.get("grpc-message") != null ? trailers.get("grpc-message") : response.getHeader("grpc-message");
        GrpcStatusCode code;
        try {
            code = status == null ? GrpcStatusCode.UNKNOWN : GrpcStatusCode.fromValue(Integer.parseInt(status.trim()));
        } catch (NumberFormatException e) {
            code = GrpcStatusCode.UNKNOWN;
            message = "grpc-status: " + status + " (expected: a number)";
        }
        byte[] bytes = body.length() >= 5 ? body.getBytes(5, body.length()) : null;
        return new Answer(code, message == null ? null : URLDecoder.decode(message, StandardCharsets.UTF_8), bytes);
    }

    /** The gRPC message frame: compressed flag, big-endian length, then the (compressed) message. */
    private Buffer frame(MessageWriter writer) throws IOException {
        ByteArrayOutputStream message = new ByteArrayOutputStream(Math.max(32, writer.getContentLength()));
        boolean compressed = config.getCompressor() != null;
        if (compressed) {
            try (OutputStream out = config.getCompressor().compress(message)) {
                writer.writeMessage(out);
            }
        } else {
            writer.writeMessage(message);
        }
        Buffer frame = Buffer.buffer(5 + message.size());
        frame.appendByte((byte) (compressed ? 1 : 0)).appendInt(message.size()).appendBytes(message.toByteArray());
        return frame;
    }

    @Override
    public CompletableResultCode shutdown() {
        HttpClientAgent started;
        Vertx loop;
        synchronized (this) {
            shut = true;
            started = client;
            loop = vertx;
        }
        if (started == null) {
            return CompletableResultCode.ofSuccess();
        }
        CompletableResultCode result = new CompletableResultCode();
        started.close().eventually(loop::close).onComplete(done -> {
            if (done.succeeded()) {
                result.succeed();
            } else {
                result.fail();
            }
        });
        return result;
    }

    private record Answer(GrpcStatusCode getStatusCode, String getStatusDescription, byte[] getResponseMessage) implements GrpcResponse {}
}
