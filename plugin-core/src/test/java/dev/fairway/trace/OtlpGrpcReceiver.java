package dev.fairway.trace;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.Span;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * An in-process OTLP/gRPC collector (HTTP/2 cleartext with prior knowledge, as collectors listen on
 * 4317) on a free loopback port, written against the gRPC wire format rather than a gRPC library:
 * unpacks each length-prefixed (possibly gzip) export request and answers status 0 in the
 * trailers, or {@code UNAVAILABLE} trailers-only for the first {@link #failFirst} calls.
 */
final class OtlpGrpcReceiver implements AutoCloseable {
    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final List<Span> spans = new CopyOnWriteArrayList<>();
    private final List<String> authorization = new CopyOnWriteArrayList<>();
    private final List<String> versions = new CopyOnWriteArrayList<>();
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger failing = new AtomicInteger();
    private volatile boolean compressed;

    OtlpGrpcReceiver() {
        server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setHttp2ClearTextEnabled(true))
                .requestHandler(request -> {
                    calls.incrementAndGet();
                    versions.add(request.version() + " " + request.path() + " " + request.getHeader("content-type"));
                    if (failing.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        request.response().putHeader("content-type", "application/grpc").putHeader("grpc-status", "14")
                                .putHeader("grpc-message", "collector%20busy").end();
                        return;
                    }
                    request.body().onSuccess(body -> {
                        String auth = request.getHeader("authorization");
                        if (auth != null) {
                            authorization.add(auth);
                        }
                        boolean gzip = "gzip".equals(request.getHeader("grpc-encoding")) && body.getByte(0) == 1;
                        compressed |= gzip;
                        spans.addAll(spansOf(body, gzip));
                        byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
                        request.response().putHeader("content-type", "application/grpc")
                                .putTrailer("grpc-status", "0")
                                .end(Buffer.buffer().appendByte((byte) 0).appendInt(answer.length).appendBytes(answer));
                    });
                })
                .listen().await();
    }

    private static List<Span> spansOf(Buffer body, boolean gzip) {
        byte[] message = body.getBytes(5, 5 + body.getInt(1));
        try {
            if (gzip) {
                message = new GZIPInputStream(new ByteArrayInputStream(message)).readAllBytes();
            }
            List<Span> out = new ArrayList<>();
            ExportTraceServiceRequest.parseFrom(message).getResourceSpansList()
                    .forEach(rs -> rs.getScopeSpansList().forEach(ss -> out.addAll(ss.getSpansList())));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    /** The next {@code n} calls are answered UNAVAILABLE (trailers-only), as a busy collector does. */
    void failFirst(int n) {
        failing.set(n);
    }

    /** Whether a gzip-compressed message was received. */
    boolean compressed() {
        return compressed;
    }

    int calls() {
        return calls.get();
    }

    /** HTTP version, path and content type of every call. */
    List<String> versions() {
        return new ArrayList<>(versions);
    }

    List<String> authorization() {
        return new ArrayList<>(authorization);
    }

    Span await(Predicate<Span> which, Runnable flush) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < end) {
            flush.run();
            for (Span s : spans) {
                if (which.test(s)) {
                    return s;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no such span among " + spans.stream().map(Span::getName).toList() + "; calls " + versions);
    }

    @Override
    public void close() {
        vertx.close().await();
    }
}
