package dev.fairway.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fairway.config.ConfigException;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.GatewayConfig;
import dev.fairway.config.TracingSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 26: tracing is off by default, OTEL_SDK_DISABLED decides over the file, and the file's settings are only defaults. */
class TelemetryTest {
    private static GatewayConfig parse(String yaml) {
        return ConfigLoader.withEnv(Map.of("COLLECTOR_KEY", "secret-collector-key")).parse(yaml);
    }

    @Test
    void offByDefaultSoNoStageIsAdded() {
        GatewayConfig config = parse("routes: [{name: r}]\n");
        assertThat(config.tracing().enabled()).isFalse();
        assertThat(TracingStage.forConfig(config, Map.of())).isNull();
        assertThat(TracingStage.forConfig(config, Map.of("OTEL_SDK_DISABLED", "true"))).isNull();
    }

    @Test
    void otelSdkDisabledDecidesOverTheFile() {
        TracingSettings on = parse("tracing: {enabled: true}\n").tracing();
        TracingSettings off = TracingSettings.defaults();
        assertThat(Telemetry.enabled(on, Map.of())).isTrue();
        assertThat(Telemetry.enabled(on, Map.of("OTEL_SDK_DISABLED", "true"))).isFalse();
        assertThat(Telemetry.enabled(off, Map.of("OTEL_SDK_DISABLED", "false"))).isTrue();
        assertThat(Telemetry.enabled(off, Map.of("OTEL_SDK_DISABLED", " "))).isFalse();
    }

    @Test
    void theFileBecomesTheSdksDefaultPropertiesWithoutItsSecrets() {
        TracingSettings s = parse("""
                tracing:
                  enabled: true
                  endpoint: http://collector:4318
                  protocol: http/protobuf
                  sampling_ratio: 0.25
                  service_name: gw-eu
                  headers: {x-api-key: "${env:COLLECTOR_KEY}"}
                """).tracing();
        Map<String, String> p = Telemetry.defaults(s);
        assertThat(p).containsEntry("otel.exporter.otlp.endpoint", "http://collector:4318")
                .containsEntry("otel.exporter.otlp.protocol", "http/protobuf")
                .containsEntry("otel.traces.sampler", "parentbased_traceidratio")
                .containsEntry("otel.traces.sampler.arg", "0.25")
                .containsEntry("otel.service.name", "gw-eu")
                .containsEntry("otel.metrics.exporter", "none")
                .containsEntry("otel.logs.exporter", "none");
        assertThat(p.toString()).doesNotContain("secret-collector-key");
        assertThat(s.toString()).doesNotContain("secret-collector-key");
    }

    @Test
    void badSettingsNameTheirField() {
        assertThatThrownBy(() -> parse("tracing: {sampling_ratio: 1.5, protocol: http/json, endpoint: 'collector:4317'}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tracing.sampling_ratio: 1.5 (expected: 0.0 to 1.0)")
                .hasMessageContaining("tracing.protocol")
                .hasMessageContaining("tracing.endpoint: collector:4317 (expected: an absolute http or https URL)");
        assertThatThrownBy(() -> parse("tracing: {capture_content_routes: [nope]}\nroutes: [{name: r}]\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tracing.capture_content_routes: nope (expected: a route name)");
    }
}
