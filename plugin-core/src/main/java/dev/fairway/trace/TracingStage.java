package dev.fairway.trace;

import static java.util.Objects.requireNonNull;

import dev.fairway.config.GatewayConfig;
import dev.fairway.config.TracingSettings;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.Stage;
import dev.fairway.pipeline.Step;
import io.opentelemetry.api.trace.Tracer;
import java.util.Map;
import java.util.Set;

/**
 * Traces every exchange: a recording stage (it never answers nor changes a request) whose step is
 * the exchange's root span, its deciding stages' {@linkplain dev.fairway.pipeline.StageWatch watch}
 * and each upstream attempt's observer. Present only when tracing is on ({@link #forConfig}), so a
 * gateway without tracing runs none of this: no span, no context, no allocation per request.
 */
public final class TracingStage implements Stage, AutoCloseable {
    private final Telemetry telemetry;
    private final Tracer tracer;
    private final Set<String> captureContent;
    private final GenAiOtelMetrics metrics;

    TracingStage(Telemetry telemetry, TracingSettings settings) {
        this.telemetry = requireNonNull(telemetry, "telemetry");
        this.tracer = telemetry.tracer();
        this.captureContent = Set.copyOf(settings.captureContentRoutes());
        this.metrics = settings.exportMetrics() ? new GenAiOtelMetrics(telemetry.meter()) : null;
    }

    /** The stage for {@code config}, or null when tracing is off (see {@link Telemetry#enabled}). */
    public static TracingStage forConfig(GatewayConfig config) {
        return forConfig(config, System.getenv());
    }

    static TracingStage forConfig(GatewayConfig config, Map<String, String> env) {
        TracingSettings settings = config.tracing();
        return Telemetry.enabled(settings, env) ? new TracingStage(Telemetry.start(settings), settings) : null;
    }

    /** A stage exporting through {@code telemetry} (tests use an in-process receiver). */
    public static TracingStage of(Telemetry telemetry, TracingSettings settings) {
        return new TracingStage(telemetry, settings);
    }

    @Override
    public String name() {
        return "tracing";
    }

    @Override
    public boolean recordsOnly() {
        return true;
    }

    @Override
    public Step open(Exchange exchange) {
        return new ExchangeTrace(tracer, exchange, captureContent.contains(exchange.route().name()), metrics);
    }

    public Telemetry telemetry() {
        return telemetry;
    }

    @Override
    public void close() {
        telemetry.close();
    }
}
