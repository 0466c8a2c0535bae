package dev.fairway.body;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.mock.MockOptions;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.Stage;
import dev.fairway.pipeline.Step;
import dev.fairway.testing.GatewayHarness;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One request through every stage that reads the body (routing, planning with a translated fallback,
 * guardrail scanning, cache key, usage metering's stream_options, answer translation) parses its JSON once.
 */
class ParseOnceEndToEndTest {
    private static final String ROUTE = """
            cache_storage: {directory: '%s', off_heap_mb: 4, disk_mb: 16}
            routes:
              - name: r
                cache: {enabled: true, streams: true}
                guardrails: {detectors: [{detector: email, action: flag}]}
                fallback: {targets: [{provider: anthropic, model: claude-sonnet-4-5}]}
            """.formatted(GatewayHarness.tempDir("fairway-parse-once").replace("\\", "/"));

    private final AtomicReference<Exchange> seen = new AtomicReference<>();
    private GatewayHarness gateway;

    private void start() {
        Stage capture = new Stage() {
            @Override
            public String name() {
                return "capture";
            }

            @Override
            public Step open(Exchange exchange) {
                seen.set(exchange);
                return Step.NONE;
            }
        };
        gateway = GatewayHarness.start(ROUTE, MockOptions.defaults(), b -> b.stage(capture));
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void aStreamedChatThroughEveryStageIsParsedOnce() {
        start();
        HttpResponse<String> r = gateway.post("/openai/v1/chat/completions",
                "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"temperature\":0.70,\"messages\":[{\"role\":\"user\",\"content\":\"mail jane@example.ch\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("data:");
        assertThat(seen.get().body().parses()).isEqualTo(1);
    }

    @Test
    void aTranslatedCompatRequestIsParsedOnce() {
        start();
        HttpResponse<String> r = gateway.post("/compat/chat/completions",
                "{\"model\":\"anthropic/claude-sonnet-4-5\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(seen.get().body().parses()).isEqualTo(1);
    }
}
