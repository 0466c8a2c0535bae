package dev.fairway.mock;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A local HTTP server that speaks the OpenAI, Anthropic, Google, Cohere and Bedrock wire formats with
 * deterministic answers, records every request, and injects faults on request. For tests and demos.
 *
 * <pre>{@code
 * try (MockProvider mock = MockProvider.start(MockOptions.defaults())) {
 *     // point a client at mock.baseUrl() + "/v1/chat/completions"
 * }
 * }</pre>
 */
public final class MockProvider implements AutoCloseable {

    private static final long START_STOP_TIMEOUT_SECONDS = 30;

    private final Vertx vertx;
    private final HttpServer server;
    private final String urlHost;
    private final RequestRecorder recorder;
    private final FaultPlan faults;
    private final AtomicBoolean closed = new AtomicBoolean();

    private MockProvider(Vertx vertx, HttpServer server, String urlHost, RequestRecorder recorder, FaultPlan faults) {
        this.vertx = vertx;
        this.server = server;
        this.urlHost = urlHost;
        this.recorder = recorder;
        this.faults = faults;
    }

    /**
     * Binds and starts serving; returns once the port is open.
     *
     * @throws IllegalStateException if the address cannot be bound
     */
    public static MockProvider start(MockOptions options) {
        Objects.requireNonNull(options, "options");
        // One event loop answers thousands of small requests a second; the mock shares small machines.
        Vertx vertx = Vertx.vertx(new VertxOptions()
                .setEventLoopPoolSize(1)
                .setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1)
                .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false)));
        RequestRecorder recorder = new RequestRecorder();
        FaultPlan faults = new FaultPlan(options.faultRules());
        HttpServerOptions serverOptions = new HttpServerOptions()
                .setHost(options.host())
                .setPort(options.port())
                // HTTP/1.1 only: a cut or reset then ends exactly one exchange, as with most upstreams.
                .setHttp2ClearTextEnabled(false)
                // Clients that send Expect: 100-continue would otherwise wait for a 100 that never comes.
                .setHandle100ContinueAutomatically(true);
        MockHandler http = new MockHandler(vertx, options.chunks(), recorder, faults);
        RealtimeMock realtime = new RealtimeMock(recorder, options.chunks());
        HttpServer server = vertx.createHttpServer(serverOptions.setWebSocketSubProtocols(List.of("realtime")))
                .requestHandler(request -> {
                    if (RealtimeMock.accepts(request)) {
                        realtime.handle(request);
                    } else {
                        http.handle(request);
                    }
                });
        try {
            await(server.listen());
        } catch (RuntimeException e) {
            await(vertx.close());
            throw new IllegalStateException("mock provider cannot listen on " + options.host() + ":" + options.port()
                    + ": " + e.getMessage(), e);
        }
        return new MockProvider(vertx, server, urlHost(options.host()), recorder, faults);
    }

    /** The bound port (the actual one when the options asked for port 0). */
    public int port() {
        return server.actualPort();
    }

    /** {@code http://host:port}, with no trailing slash; a wildcard bind address becomes loopback. */
    public String baseUrl() {
        return "http://" + urlHost + ":" + port();
    }

    /** Every request received so far, in arrival order. */
    public List<RecordedRequest> requests() {
        return recorder.snapshot();
    }

    public int requestCount() {
        return recorder.count();
    }

    /** Forgets recorded requests and restarts every fault budget; options and rules stay. */
    public void reset() {
        recorder.clear();
        faults.reset();
    }

    /** Stops serving and releases the port and threads. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            await(vertx.close());
        }
    }

    @Override
    public String toString() {
        return "MockProvider[" + (closed.get() ? "closed" : baseUrl()) + "]";
    }

    private static String urlHost(String host) {
        return switch (host) {
            case "0.0.0.0" -> "127.0.0.1";
            case "::", "[::]" -> "[::1]";
            default -> host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
        };
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(START_STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException re ? re : new IllegalStateException(cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new IllegalStateException("mock provider did not start or stop within " + START_STOP_TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting or stopping the mock provider", e);
        }
    }
}
