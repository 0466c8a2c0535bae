package dev.fairway.trace;

import static java.util.Objects.requireNonNull;

import dev.fairway.config.Secret;
import dev.fairway.config.TracingSettings;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The process's OpenTelemetry SDK, built from {@code tracing} in the configuration with the SDK's
 * autoconfiguration, so the standard {@code OTEL_*} environment variables (and {@code otel.*}
 * system properties) override the file: the configuration supplies defaults only. One per process,
 * never installed as the global instance: Fairway passes it where it is used.
 */
public final class Telemetry implements AutoCloseable {
    private static final String SCOPE = "dev.fairway";

    private final OpenTelemetrySdk sdk;

    private Telemetry(OpenTelemetrySdk sdk) {
        this.sdk = requireNonNull(sdk, "sdk");
    }

    /**
     * Whether tracing is on: {@code OTEL_SDK_DISABLED} decides when it is set ({@code false} turns
     * tracing on without touching the file), else {@code tracing.enabled}.
     */
    public static boolean enabled(TracingSettings settings, Map<String, String> env) {
        String disabled = env.get("OTEL_SDK_DISABLED");
        if (disabled != null && !disabled.isBlank()) {
            return !Boolean.parseBoolean(disabled.strip());
        }
        return settings.enabled();
    }

    /** Starts the SDK with its exporters; call only when {@link #enabled}. */
    public static Telemetry start(TracingSettings settings) {
        requireNonNull(settings, "settings");
        Map<String, String> defaults = defaults(settings);
        AutoConfiguredOpenTelemetrySdk auto = AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> defaults)
                .addResourceCustomizer((resource, config) -> configured(settings).merge(resource))
                .addSpanExporterCustomizer((exporter, config) -> withHeaders(exporter, settings.headers()))
                .addMetricExporterCustomizer((exporter, config) -> withHeaders(exporter, settings.headers()))
                .disableShutdownHook()
                .build();
        return new Telemetry(auto.getOpenTelemetrySdk());
    }

    /** The file's settings as the SDK's properties; environment variables and system properties win over them. */
    static Map<String, String> defaults(TracingSettings settings) {
        Map<String, String> p = new HashMap<>();
        // The file said on (or OTEL_SDK_DISABLED=false did); OTEL_SDK_DISABLED=true still wins.
        p.put("otel.sdk.disabled", "false");
        p.put("otel.service.name", settings.serviceName());
        p.put("otel.traces.exporter", "otlp");
        p.put("otel.metrics.exporter", settings.exportMetrics() ? "otlp" : "none");
        p.put("otel.logs.exporter", "none");
        p.put("otel.exporter.otlp.protocol", settings.protocol());
        if (settings.endpoint() != null) {
            p.put("otel.exporter.otlp.endpoint", settings.endpoint());
        }
        p.put("otel.traces.sampler", "parentbased_traceidratio");
        p.put("otel.traces.sampler.arg", Double.toString(settings.samplingRatio()));
        p.put("otel.propagators", "tracecontext,baggage");
        return p;
    }

    /** The file's resource attributes, under what OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME say. */
    private static Resource configured(TracingSettings settings) {
        AttributesBuilder b = Attributes.builder();
        settings.resourceAttributes().forEach(b::put);
        return Resource.create(b.build());
    }

    /** Headers are secrets: set on the exporter directly, never written into a property string or a log. */
    static SpanExporter withHeaders(SpanExporter exporter, Map<String, Secret> headers) {
        if (headers.isEmpty()) {
            return exporter;
        }
        if (exporter instanceof OtlpGrpcSpanExporter g) {
            var b = g.toBuilder();
            headers.forEach((name, value) -> b.addHeader(name, value.reveal()));
            g.shutdown(); // replaced before its first export: its sender is released, not left behind
            return b.build();
        }
        if (exporter instanceof OtlpHttpSpanExporter h) {
            var b = h.toBuilder();
            headers.forEach((name, value) -> b.addHeader(name, value.reveal()));
            h.shutdown(); // replaced before its first export: its sender is released, not left behind
            return b.build();
        }
        return exporter;
    }

    static MetricExporter withHeaders(MetricExporter exporter, Map<String, Secret> headers) {
        if (headers.isEmpty()) {
            return exporter;
        }
        if (exporter instanceof OtlpGrpcMetricExporter g) {
            var b = g.toBuilder();
            headers.forEach((name, value) -> b.addHeader(name, value.reveal()));
            g.shutdown(); // replaced before its first export: its sender is released, not left behind
            return b.build();
        }
        if (exporter instanceof OtlpHttpMetricExporter h) {
            var b = h.toBuilder();
            headers.forEach((name, value) -> b.addHeader(name, value.reveal()));
            h.shutdown(); // replaced before its first export: its sender is released, not left behind
            return b.build();
        }
        return exporter;
    }

    public Tracer tracer() {
        return sdk.getTracer(SCOPE);
    }

    public Meter meter() {
        return sdk.getMeter(SCOPE);
    }

    /** Exports what is buffered now (tests, and a stop). */
    public void flush() {
        sdk.getSdkTracerProvider().forceFlush().join(10, TimeUnit.SECONDS);
        sdk.getSdkMeterProvider().forceFlush().join(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        sdk.shutdown().join(10, TimeUnit.SECONDS);
    }
}
