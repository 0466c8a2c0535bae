package dev.fairway.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.mock.MockOptions;
import dev.fairway.pipeline.Stage;
import dev.fairway.testing.GatewayHarness;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.sdk.common.export.GrpcSenderProvider;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;
import java.net.http.HttpResponse;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 26: OTLP over gRPC (the default protocol) reaches an in-process gRPC collector through the
 * gateway's own sender, without OkHttp: headers, the request span and its GenAI attributes arrive
 * gzipped when asked, and a collector's UNAVAILABLE is retried.
 */
class GrpcExportTest {
    private static final String BODY = "{\"model\":\"gpt-g\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello gRPC\"}]}";

    private final OtlpGrpcReceiver receiver = new OtlpGrpcReceiver();
    private GatewayHarness harness;

    @AfterEach
    void stop() {
        if (harness != null) {
            harness.close();
        }
        receiver.close();
    }

    private void start(String extras) {
        harness = GatewayHarness.start("""
                tracing:
                  enabled: true
                  protocol: grpc
                  endpoint: %s
                  headers: {authorization: "Bearer grpc-collector-token"}
                  %s
                routes:
                  - name: traced
                """.formatted(receiver.endpoint(), extras), MockOptions.defaults(), b -> { });
    }

    private void flush() {
        for (Stage s : harness.fairway().gateway().stages()) {
            if (s instanceof TracingStage t) {
                t.telemetry().flush();
            }
        }
    }

    @Test
    void theOnlySendersAreTheJdksForHttpAndTheGatewaysForGrpc() {
        assertThat(ServiceLoader.load(GrpcSenderProvider.class).stream().map(p -> p.type().getName()).toList())
                .containsExactly(GrpcExportSenderProvider.class.getName());
        assertThat(ServiceLoader.load(HttpSenderProvider.class).stream().map(p -> p.type().getName()).toList())
                .containsExactly("io.opentelemetry.exporter.sender.jdk.internal.JdkHttpSenderProvider");
    }

    @Test
    void spansArriveOverGrpcWithTheirHeadersAndGenAiAttributesAfterAnUnavailableCollectorAndGzipped() throws Exception {
        receiver.failFirst(2);
        System.setProperty("otel.exporter.otlp.compression", "gzip"); // read once, when the SDK starts
        try {
            start("");
        } finally {
            System.clearProperty("otel.exporter.otlp.compression");
        }
        HttpResponse<String> r = harness.post("/openai/v1/chat/completions", BODY);
        assertThat(r.statusCode()).isEqualTo(200);
        Span root = receiver.await(s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER, this::flush);
        assertThat(root.getName()).isEqualTo("chat gpt-g");
        assertThat(root.getAttributesList()).anySatisfy(kv -> {
            assertThat(kv.getKey()).isEqualTo("gen_ai.response.model");
            assertThat(kv.getValue().getStringValue()).isEqualTo("gpt-g");
        });
        assertThat(receiver.calls()).as("two UNAVAILABLE answers retried").isGreaterThanOrEqualTo(3);
        assertThat(receiver.compressed()).as("gzip was asked for").isTrue();
        assertThat(receiver.authorization()).isNotEmpty().allMatch("Bearer grpc-collector-token"::equals);
        assertThat(receiver.versions()).isNotEmpty().allSatisfy(v -> assertThat(v)
                .isEqualTo("HTTP_2 /opentelemetry.proto.collector.trace.v1.TraceService/Export application/grpc"));
    }
}
