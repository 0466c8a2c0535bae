package dev.fairway.config;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * OpenTelemetry export of traces (and, optionally, metrics) over OTLP. The standard {@code OTEL_*}
 * environment variables override what is set here (see docs/architecture.md, "Traces and metrics").
 */
@Doc("OpenTelemetry traces over OTLP: one span per request with the GenAI semantic conventions, child spans per stage and upstream attempt. Off unless enabled (or OTEL_SDK_DISABLED=false); OTEL_* environment variables override these settings.")
public record TracingSettings(
        @Doc(value = "Whether requests are traced and exported. OTEL_SDK_DISABLED=true turns it off, OTEL_SDK_DISABLED=false on, whatever this says.", defaultValue = "false") Boolean enabled,
        @Doc(value = "The collector's OTLP endpoint: http://host:4317 for grpc, http://host:4318 for http/protobuf (the path /v1/traces is added). OTEL_EXPORTER_OTLP_ENDPOINT overrides it.", defaultValue = "http://localhost:4317 (grpc) or http://localhost:4318 (http/protobuf)") String endpoint,
        @OneOf({"grpc", "http/protobuf"})
        @Doc(value = "OTLP transport: grpc or http/protobuf. OTEL_EXPORTER_OTLP_PROTOCOL overrides it.", defaultValue = "grpc") String protocol,
        @Doc(value = "Headers sent with every export (a collector's API key), as secrets: ${env:NAME} or ${file:/path}. OTEL_EXPORTER_OTLP_HEADERS adds to them.", defaultValue = "{}") Map<String, Secret> headers,
        @Doc(value = "Share of new traces kept, 0.0 to 1.0 (parent-based: a request whose traceparent says sampled is always kept). OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG override it.", defaultValue = "1.0") Double samplingRatio,
        @Doc(value = "service.name of the resource. OTEL_SERVICE_NAME overrides it.", defaultValue = "fairway") String serviceName,
        @Doc(value = "More resource attributes (deployment.environment.name, service.namespace, ...). OTEL_RESOURCE_ATTRIBUTES adds to them.", defaultValue = "{}") Map<String, String> resourceAttributes,
        @Doc(value = "Routes (by name) whose prompts and answers go into their spans (gen_ai.input.messages, gen_ai.output.messages, cut to 16 KiB each). Content is never recorded for any other route.", defaultValue = "[]") List<String> captureContentRoutes,
        @Doc(value = "Whether the GenAI metrics (gen_ai.client.token.usage, gen_ai.client.operation.duration, gen_ai.server.time_to_first_token) are also exported over OTLP, every 60 s (OTEL_METRIC_EXPORT_INTERVAL). Prometheus scrapes /metrics either way.", defaultValue = "false") Boolean exportMetrics)
        implements Validatable {

    public TracingSettings {
        enabled = Objects.requireNonNullElse(enabled, false);
        protocol = Objects.requireNonNullElse(protocol, "grpc");
        headers = Map.copyOf(Objects.requireNonNullElse(headers, Map.of()));
        samplingRatio = Objects.requireNonNullElse(samplingRatio, 1.0);
        serviceName = Objects.requireNonNullElse(serviceName, "fairway");
        resourceAttributes = Map.copyOf(Objects.requireNonNullElse(resourceAttributes, Map.of()));
        captureContentRoutes = List.copyOf(Objects.requireNonNullElse(captureContentRoutes, List.of()));
        exportMetrics = Objects.requireNonNullElse(exportMetrics, false);
    }

    public static TracingSettings defaults() {
        return new TracingSettings(null, null, null, null, null, null, null, null, null);
    }

    @Override
    public void validate(Problems problems) {
        if (endpoint != null) {
            URI uri = null;
            try {
                uri = URI.create(endpoint);
            } catch (IllegalArgumentException e) {
                // reported below
            }
            problems.require(uri != null && uri.isAbsolute() && uri.getHost() != null
                            && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())),
                    "endpoint", "%s (expected: an absolute http or https URL)", endpoint);
        }
        problems.require(samplingRatio >= 0 && samplingRatio <= 1, "sampling_ratio", "%s (expected: 0.0 to 1.0)", samplingRatio);
        problems.require(!serviceName.isBlank(), "service_name", "must not be blank");
        headers.keySet().forEach(name -> problems.require(name.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+"), "headers",
                "%s (expected: a header name)", name));
    }
}
