package dev.fairway.trace;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** An in-process OTLP/HTTP (protobuf) collector on a free loopback port: keeps every span it is sent. */
final class OtlpReceiver implements AutoCloseable {
    private final HttpServer server;
    private final List<Span> spans = new CopyOnWriteArrayList<>();
    private final List<ResourceSpans> resources = new CopyOnWriteArrayList<>();
    private final List<String> authorization = new CopyOnWriteArrayList<>();
    private final List<String> metricNames = new CopyOnWriteArrayList<>();

    OtlpReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/v1/traces", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(in.readAllBytes());
                String auth = exchange.getRequestHeaders().getFirst("authorization");
                if (auth != null) {
                    authorization.add(auth);
                }
                for (ResourceSpans rs : request.getResourceSpansList()) {
                    resources.add(rs);
                    for (ScopeSpans ss : rs.getScopeSpansList()) {
                        spans.addAll(ss.getSpansList());
                    }
                }
                byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
                exchange.getResponseHeaders().set("content-type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, answer.length);
                exchange.getResponseBody().write(answer);
            } finally {
                exchange.close();
            }
        });
        server.createContext("/v1/metrics", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                ExportMetricsServiceRequest request = ExportMetricsServiceRequest.parseFrom(in.readAllBytes());
                request.getResourceMetricsList().forEach(rm -> rm.getScopeMetricsList().forEach(sm ->
                        sm.getMetricsList().forEach(m -> metricNames.add(m.getName()))));
                byte[] answer = ExportMetricsServiceResponse.getDefaultInstance().toByteArray();
                exchange.getResponseHeaders().set("content-type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, answer.length);
                exchange.getResponseBody().write(answer);
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Span> spans() {
        return new ArrayList<>(spans);
    }

    /** Names of the metrics exported so far. */
    List<String> metricNames() {
        return new ArrayList<>(metricNames);
    }

    List<ResourceSpans> resources() {
        return new ArrayList<>(resources);
    }

    List<String> authorization() {
        return new ArrayList<>(authorization);
    }

    /** Waits up to 10 s for a span matching {@code which}, asking the exporter to {@code flush} before each look. */
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
        throw new AssertionError("no such span among " + spans.stream().map(Span::getName).toList());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
