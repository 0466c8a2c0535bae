package dev.fairway.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.mock.MockOptions;
import dev.fairway.mock.RecordedRequest;
import dev.fairway.pipeline.Stage;
import dev.fairway.testing.GatewayHarness;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.http.HttpResponse;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 26, traces: a request retried, fallen back and streamed through a translator is one trace
 * under the client's traceparent, exported over OTLP/HTTP to an in-process receiver, and every
 * provider call carries its own attempt span as parent.
 */
class TracingEndToEndTest {
    private static final String CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CLIENT_SPAN = "00f067aa0ba902b7";
    private static final String STREAMED = "{\"model\":\"gpt-a\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hello tracing\"}]}";

    private OtlpReceiver receiver;
    private GatewayHarness harness;

    @BeforeEach
    void receiver() {
        receiver = new OtlpReceiver();
    }

    @AfterEach
    void stop() {
        if (harness != null) {
            harness.close();
        }
        receiver.close();
    }

    private void start(String routeExtras, String tracingExtras) {
        String yaml = """
                tracing:
                  enabled: true
                  protocol: http/protobuf
                  endpoint: %s
                  headers: {authorization: "Bearer collector-token"}
                  resource_attributes: {deployment.environment.name: test}
                  %s
                routes:
                  - name: traced
                    retry: {max_attempts: 2, retry_delay_ms: 0}
                    fallback: {targets: [{provider: anthropic, model: claude-x}]}
                    cache: {enabled: true, streams: true}
                    quotas: [{name: calls, unit: requests, limit: 100, window: 1h}]
                    %s
                """.formatted(receiver.endpoint(), tracingExtras, routeExtras);
        harness = GatewayHarness.start(yaml, MockOptions.defaults(), b -> b.retryScheduler((ms, retry) -> retry.run()));
    }

    private void flush() {
        for (Stage s : harness.fairway().gateway().stages()) {
            if (s instanceof TracingStage t) {
                t.telemetry().flush();
            }
        }
    }

    @Test
    void aRetriedFallenBackStreamedRequestIsOneTraceUnderTheClientsSpan() throws Exception {
        start("", "");
        HttpResponse<String> r = harness.post("/openai/v1/chat/completions", STREAMED,
                "traceparent", "00-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-01", "tracestate", "vendor=kept",
                "x-mock-status", "503", "x-mock-fail-model", "gpt-a");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("cf-aig-step")).hasValue("1");
        assertThat(r.body()).contains("data: ");

        Span root = receiver.await(s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER, this::flush);
        assertThat(hex(root.getTraceId().toByteArray())).isEqualTo(CLIENT_TRACE);
        assertThat(hex(root.getParentSpanId().toByteArray())).isEqualTo(CLIENT_SPAN);
        assertThat(root.getName()).isEqualTo("chat gpt-a");
        assertThat(str(root, "gen_ai.operation.name")).hasValue("chat");
        assertThat(str(root, "gen_ai.request.model")).hasValue("gpt-a");
        assertThat(str(root, "gen_ai.provider.name")).hasValue("anthropic");
        assertThat(num(root, "http.response.status_code")).hasValue(200L);
        assertThat(num(root, "fairway.attempts")).hasValue(3L);
        assertThat(num(root, "fairway.fallback_step")).hasValue(1L);
        assertThat(num(root, "gen_ai.usage.output_tokens")).get().satisfies(n -> assertThat(n).isPositive());
        // Read from the relayed (Anthropic) stream's message_start and message_delta events, not from the request.
        assertThat(str(root, "gen_ai.response.model")).hasValue("claude-x");
        assertThat(strings(root, "gen_ai.response.finish_reasons")).containsExactly("end_turn");
        assertThat(str(root, "gen_ai.input.messages")).as("content stays out unless the route opts in").isEmpty();
        assertThat(root.getStatus().getCode().getNumber()).as("unset: the request succeeded").isZero();

        List<Span> attempts = receiver.spans().stream().filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_CLIENT)
                .sorted(Comparator.comparingLong(Span::getStartTimeUnixNano)).toList();
        assertThat(attempts).hasSize(3);
        assertThat(attempts).allSatisfy(a -> {
            assertThat(a.getParentSpanId()).isEqualTo(root.getSpanId());
            assertThat(a.getTraceId()).isEqualTo(root.getTraceId());
        });
        assertAttempt(attempts.get(0), "openai", "gpt-a", 0, 1, 503, "retry");
        assertAttempt(attempts.get(1), "openai", "gpt-a", 0, 2, 503, "next");
        assertAttempt(attempts.get(2), "anthropic", "claude-x", 1, 1, 200, "accept");
        assertThat(str(attempts.get(0), "error.type")).hasValue("503");
        assertThat(attempts.get(0).getStatus().getCode()).isEqualTo(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR);
        assertThat(str(attempts.get(2), "error.type")).isEmpty();
        assertThat(str(attempts.get(2), "server.address")).hasValue("127.0.0.1");

        Span translate = receiver.await(s -> s.getName().startsWith("translate "), this::flush);
        assertThat(translate.getName()).isEqualTo("translate anthropic to openai");
        assertThat(translate.getParentSpanId()).isEqualTo(attempts.get(2).getSpanId());
        for (String stage : List.of("quota check", "cache lookup")) {
            Span s = receiver.await(x -> x.getName().equals(stage), this::flush);
            assertThat(s.getParentSpanId()).as(stage).isEqualTo(root.getSpanId());
        }

        // The provider sees each attempt's span as its parent; the client's own span id never goes upstream.
        List<RecordedRequest> calls = harness.mock().requests();
        assertThat(calls).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(calls.get(i).header("traceparent"))
                    .hasValue("00-" + CLIENT_TRACE + "-" + hex(attempts.get(i).getSpanId().toByteArray()) + "-01");
            assertThat(calls.get(i).header("tracestate")).hasValue("vendor=kept");
        }
        assertThat(receiver.authorization()).isNotEmpty().allMatch("Bearer collector-token"::equals);
        assertThat(receiver.resources().get(0).getResource().getAttributesList())
                .anySatisfy(kv -> assertThat(kv.getKey() + "=" + kv.getValue().getStringValue()).isEqualTo("deployment.environment.name=test"))
                .anySatisfy(kv -> assertThat(kv.getKey() + "=" + kv.getValue().getStringValue()).isEqualTo("service.name=fairway"));
    }

    @Test
    void aRequestWithoutTraceparentStartsATraceAndContentIsKeptOnlyWhereTheRouteOptsIn() throws Exception {
        start("", "capture_content_routes: [traced]");
        HttpResponse<String> r = harness.post("/openai/v1/chat/completions", STREAMED.replace("\"stream\":true,", ""));
        assertThat(r.statusCode()).isEqualTo(200);
        Span root = receiver.await(s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER, this::flush);
        assertThat(root.getParentSpanId().isEmpty()).isTrue();
        assertThat(str(root, "gen_ai.input.messages")).get().asString().contains("Hello tracing");
        assertThat(str(root, "gen_ai.output.messages")).get().asString().contains("chat.completion");
        assertThat(str(root, "gen_ai.provider.name")).hasValue("openai");
        assertThat(str(root, "gen_ai.response.model")).hasValue("gpt-a");
        assertThat(strings(root, "gen_ai.response.finish_reasons")).containsExactly("stop");
        assertThat(harness.mock().requests().get(0).header("traceparent")).get().asString().contains(hex(root.getTraceId().toByteArray()));
    }

    @Test
    void anErrorAnsweredByTheGatewayIsAnErrorSpan() throws Exception {
        start("auth: {enabled: true, clients: [{name: app, token_sha256: ['" + "0".repeat(64) + "']}]}", "");
        HttpResponse<String> r = harness.post("/openai/v1/chat/completions", STREAMED);
        assertThat(r.statusCode()).isEqualTo(401);
        Span root = receiver.await(s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER, this::flush);
        assertThat(str(root, "error.type")).hasValue("unauthorized");
        assertThat(root.getStatus().getCode()).isEqualTo(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR);
        assertThat(harness.mock().requestCount()).isZero();
    }

    private static void assertAttempt(Span a, String provider, String model, long step, long attempt, long status, String next) {
        assertThat(a.getName()).isEqualTo("chat " + model);
        assertThat(str(a, "gen_ai.provider.name")).hasValue(provider);
        assertThat(str(a, "gen_ai.request.model")).hasValue(model);
        assertThat(num(a, "fairway.fallback_step")).hasValue(step);
        assertThat(num(a, "fairway.attempt")).hasValue(attempt);
        assertThat(num(a, "http.response.status_code")).hasValue(status);
        assertThat(str(a, "fairway.attempt.next")).hasValue(next);
    }

    private static Optional<String> str(Span s, String key) {
        return s.getAttributesList().stream().filter(kv -> kv.getKey().equals(key)).findFirst().map(kv -> kv.getValue().getStringValue());
    }

    private static List<String> strings(Span s, String key) {
        return s.getAttributesList().stream().filter(kv -> kv.getKey().equals(key)).findFirst()
                .map(kv -> kv.getValue().getArrayValue().getValuesList().stream().map(v -> v.getStringValue()).toList()).orElse(List.of());
    }

    private static Optional<Long> num(Span s, String key) {
        return s.getAttributesList().stream().filter(kv -> kv.getKey().equals(key)).findFirst().map(KeyValue::getValue)
                .map(v -> v.getIntValue());
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
