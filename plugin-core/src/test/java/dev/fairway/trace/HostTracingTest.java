package dev.fairway.trace;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.Fairway;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.RouteConfig;
import dev.fairway.host.HostBridge;
import dev.fairway.host.HostResult;
import dev.fairway.host.Via;
import dev.fairway.http.Headers;
import dev.fairway.pipeline.GatewayRequest;
import dev.fairway.pipeline.Stage;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 26: a trace continues through a host adapter. The host's headers (Envoy's, Kong's, with the
 * traceparent its own tracing set) reach the core through {@link HostBridge}; in Envoy's direct mode
 * the request the host sends upstream carries Fairway's attempt span as parent. With
 * {@code tracing.export_metrics} the GenAI metrics are exported over OTLP as well.
 */
class HostTracingTest {
    private static final String HOST_TRACE = "0af7651916cd43dd8448eb211c80319c";
    private static final String HOST_SPAN = "b7ad6b7169203331";

    @Test
    void aDirectForwardThatCannotRewriteTheBodyStillCarriesTheAttemptSpan() throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver();
             Fairway fairway = Fairway.builder(ConfigLoader.withEnv(Map.of()).parse("""
                     tracing: {enabled: true, protocol: http/protobuf, endpoint: %s}
                     logs: {spool_dir: '%s'}
                     """.formatted(receiver.endpoint(), dev.fairway.testing.GatewayHarness.tempDir("fairway-spool")))).start()) {
            HostBridge bridge = new HostBridge(fairway.gateway(), fairway.dispatcher());
            RouteConfig route = ConfigLoader.withEnv(Map.of()).parseRoute("{name: envoy-route}");
            // A stream: with a body mode, metering would ask for usage in it; without one, the body goes as the client sent it.
            byte[] body = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[]}".getBytes(UTF_8);
            GatewayRequest request = new GatewayRequest("POST", "/openai/v1/chat/completions",
                    Headers.of("content-type", "application/json", "authorization", "Bearer sk-client",
                            "traceparent", "00-" + HOST_TRACE + "-" + HOST_SPAN + "-01"), body, null);
            HostResult result = bridge.handle(request, route, 5_000, Via.direct(false)).await();
            var tap = ((HostResult.Direct) result).tap();
            assertThat(new String(tap.request().body(), UTF_8)).isEqualTo(new String(body, UTF_8));
            String sent = tap.request().headers().get("traceparent");
            tap.head(200, Headers.of("content-type", "text/event-stream"));
            tap.end();

            Runnable flush = () -> fairway.gateway().stages().stream().filter(TracingStage.class::isInstance)
                    .forEach(s -> ((TracingStage) s).telemetry().flush());
            Span attempt = receiver.await(s -> s.getKind() == Span.SpanKind.SPAN_KIND_CLIENT, flush);
            assertThat(sent).isEqualTo("00-" + HOST_TRACE + "-" + HexFormat.of().formatHex(attempt.getSpanId().toByteArray()) + "-01");
        }
    }

    @Test
    void aDirectForwardCarriesTheAttemptSpanUnderTheHostsTrace() throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver();
             Fairway fairway = Fairway.builder(ConfigLoader.withEnv(Map.of()).parse("""
                     tracing: {enabled: true, protocol: http/protobuf, endpoint: %s, export_metrics: true}
                     logs: {spool_dir: '%s'}
                     """.formatted(receiver.endpoint(), dev.fairway.testing.GatewayHarness.tempDir("fairway-spool")))).start()) {
            HostBridge bridge = new HostBridge(fairway.gateway(), fairway.dispatcher());
            RouteConfig route = ConfigLoader.withEnv(Map.of()).parseRoute("{name: envoy-route}");
            GatewayRequest request = new GatewayRequest("POST", "/openai/v1/chat/completions",
                    Headers.of("content-type", "application/json", "authorization", "Bearer sk-client",
                            "traceparent", "00-" + HOST_TRACE + "-" + HOST_SPAN + "-01"),
                    "{\"model\":\"gpt-4o-mini\",\"messages\":[]}".getBytes(UTF_8), null);
            HostResult result = bridge.handle(request, route, 5_000, Via.direct(true)).await();
            assertThat(result).isInstanceOf(HostResult.Direct.class);
            var tap = ((HostResult.Direct) result).tap();
            String sent = tap.request().headers().get("traceparent");
            assertThat(sent).startsWith("00-" + HOST_TRACE + "-").endsWith("-01").doesNotContain(HOST_SPAN);
            tap.head(200, Headers.of("content-type", "application/json"));
            tap.chunk(java.nio.ByteBuffer.wrap("{\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2}}".getBytes(UTF_8)));
            tap.end();

            Runnable flush = () -> fairway.gateway().stages().stream().filter(TracingStage.class::isInstance)
                    .forEach(s -> ((TracingStage) s).telemetry().flush());
            Span root = receiver.await(s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER, flush);
            Span attempt = receiver.await(s -> s.getKind() == Span.SpanKind.SPAN_KIND_CLIENT, flush);
            assertThat(HexFormat.of().formatHex(root.getParentSpanId().toByteArray())).isEqualTo(HOST_SPAN);
            assertThat(attempt.getParentSpanId()).isEqualTo(root.getSpanId());
            assertThat(sent).isEqualTo("00-" + HOST_TRACE + "-" + HexFormat.of().formatHex(attempt.getSpanId().toByteArray()) + "-01");
            assertThat(root.getAttributesList()).anySatisfy(kv -> assertThat(kv.getKey() + "=" + kv.getValue().getStringValue())
                    .isEqualTo("fairway.route=envoy-route"));
            // tracing.export_metrics: the GenAI metrics go over OTLP too, under the conventions' dotted names.
            flush.run();
            assertThat(receiver.metricNames()).contains("gen_ai.client.token.usage", "gen_ai.client.operation.duration",
                    "gen_ai.server.time_to_first_token");
            assertThat(fairway.gateway().stages()).hasAtLeastOneElementOfType(TracingStage.class);
            assertThat(fairway.gateway().stages().stream().map(Stage::name)).contains("tracing");
        }
    }
}
