package dev.fairway.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.fairway.cost.PriceTable;
import dev.fairway.http.Headers;
import dev.fairway.provider.WireFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What the recorded answers cost at the shipped prices (worked out by hand from prices.json). */
class CostGoldenTest {

    static Stream<Arguments> answers() {
        return Stream.of(
                // 86 fresh input at 2.50, 1920 cached at 1.25, 300 output at 10.00 per million.
                Arguments.of("openai-chat.json", WireFormat.OPENAI, "openai", "gpt-4o-2024-08-06", "application/json", 0.005615),
                // 19 input at 0.15, 10 output at 0.60.
                Arguments.of("openai-chat-stream.sse", WireFormat.OPENAI, "openai", "gpt-4o-mini-2024-07-18", "text/event-stream", 0.00000885),
                // 121 fresh input (incl. 100 cache writes) at 3, 1800 cache reads at 0.30, 42 output at 15.
                Arguments.of("anthropic-messages.json", WireFormat.ANTHROPIC, "anthropic", "claude-sonnet-4-5-20250929", "application/json", 0.001533),
                // 472 fresh at 0.80, 200 cache reads at 0.08, 15 output at 4.
                Arguments.of("anthropic-stream.sse", WireFormat.ANTHROPIC, "anthropic", "claude-3-5-haiku-20241022", "text/event-stream", 0.0004536),
                // No cached price listed: cached input at the input price; thinking billed as output.
                Arguments.of("google-generate.json", WireFormat.GOOGLE, "google-ai-studio", "gemini-2.5-flash", "application/json", 0.0005875),
                Arguments.of("bedrock-converse.json", WireFormat.BEDROCK, "aws-bedrock", "us.anthropic.claude-3-5-haiku-20241022-v1:0", "application/json", 0.002536),
                Arguments.of("mistral-stream.sse", WireFormat.OPENAI, "mistral", "mistral-small-latest", "text/event-stream", 0.0000022));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answers")
    void costsWhatThePriceListSays(String file, WireFormat format, String provider, String model, String type, double expected) throws IOException {
        UsageMeter meter = new UsageMeter(format, provider, model, null, PriceTable.shippedOnly(), null, null, Readings.NONE);
        meter.onHeaders(200, Headers.of("content-type", type));
        meter.onChunk(ByteBuffer.wrap(UsageGoldenTest.golden(file)));
        meter.onEnd(true);
        assertThat(meter.costUsd(meter.usage())).isCloseTo(expected, within(1e-12));
    }
}
