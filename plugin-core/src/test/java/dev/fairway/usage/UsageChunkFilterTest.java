package dev.fairway.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.body.RequestBody;
import dev.fairway.config.CustomProvider;
import dev.fairway.provider.ProviderRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class UsageChunkFilterTest {

    @Test
    void dropsOnlyTheUsageChunkWhateverTheSplit() throws IOException {
        byte[] body = UsageGoldenTest.golden("openai-chat-stream.sse");
        String text = new String(body, StandardCharsets.UTF_8);
        int start = text.indexOf("data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1741569952,\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_1\",\"choices\":[],");
        int end = text.indexOf("data: [DONE]");
        // The usage chunk goes, and so does the "usage":null the option made OpenAI add to every other chunk.
        String expected = (text.substring(0, start) + text.substring(end)).replace(",\"usage\":null}", "}");
        assertThat(expected).contains("\"finish_reason\":null}]}").doesNotContain("\"usage\"");
        for (int piece : new int[] {1, 2, 5, 17, body.length}) {
            UsageChunkFilter filter = new UsageChunkFilter();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int i = 0; i < body.length; i += piece) {
                ByteBuffer sent = filter.apply(ByteBuffer.wrap(body, i, Math.min(piece, body.length - i)));
                out.write(sent.array(), sent.arrayOffset() + sent.position(), sent.remaining());
            }
            ByteBuffer tail = filter.finish();
            out.write(tail.array(), tail.position(), tail.remaining());
            assertThat(out.toString(StandardCharsets.UTF_8)).as("pieces of %d", piece).isEqualTo(expected);
            assertThat(filter.dropped()).isEqualTo(1);
        }
    }

    @Test
    void crAndCrlfStreamsAreFilteredAlikeWhateverTheSplit() {
        for (String eol : new String[] {"\r\n", "\r"}) {
            String stream = (": keep-alive\n\ndata: {\"choices\":[{\"delta\":{\"content\":\"\u20AC\uD83D\uDE00\"}}],\"usage\":null}\n\n"
                    + "data: {\"usage\":{\"total_tokens\":3},\ndata: \"choices\":[]}\n\ndata: [DONE]\n\n").replace("\n", eol);
            String expected = (": keep-alive\n\ndata: {\"choices\":[{\"delta\":{\"content\":\"\u20AC\uD83D\uDE00\"}}]}\n\n"
                    + "data: [DONE]\n\n").replace("\n", eol);
            byte[] body = stream.getBytes(StandardCharsets.UTF_8);
            for (int cut = 0; cut <= body.length; cut++) {
                UsageChunkFilter filter = new UsageChunkFilter();
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                for (ByteBuffer sent : new ByteBuffer[] {filter.apply(ByteBuffer.wrap(body, 0, cut)),
                        filter.apply(ByteBuffer.wrap(body, cut, body.length - cut)), filter.finish()}) {
                    out.write(sent.array(), sent.arrayOffset() + sent.position(), sent.remaining());
                }
                assertThat(out.toString(StandardCharsets.UTF_8)).as("%s split at %d", eol.length(), cut).isEqualTo(expected);
                assertThat(filter.dropped()).isEqualTo(1);
            }
        }
    }

    @Test
    void completeEventsPassAtOnceAndOnlyThePartialTailIsHeld() {
        UsageChunkFilter filter = new UsageChunkFilter();
        ByteBuffer first = filter.apply(ByteBuffer.wrap("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\ndata: {\"cho".getBytes(StandardCharsets.UTF_8)));
        assertThat(StandardCharsets.UTF_8.decode(first).toString()).isEqualTo("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n");
        ByteBuffer second = filter.apply(ByteBuffer.wrap("ices\":[],\"usage\":null}\n\n".getBytes(StandardCharsets.UTF_8)));
        // usage is null here: not the usage chunk, so the chunk is kept, without the null member.
        assertThat(StandardCharsets.UTF_8.decode(second).toString()).isEqualTo("data: {\"choices\":[]}\n\n");
    }

    @Test
    void onlyATopLevelNullUsageMemberIsRemoved() {
        assertThat(NullUsage.stripMember("data: {\"usage\": null, \"id\":\"a\"}")).isEqualTo("data: {\"id\":\"a\"}");
        assertThat(NullUsage.stripMember("data: {\"id\":\"a\" , \"usage\" : null }")).isEqualTo("data: {\"id\":\"a\" }");
        assertThat(NullUsage.stripMember("data: {\"usage\":null}")).isEqualTo("data: {}");
        String nested = "data: {\"choices\":[{\"delta\":{\"usage\":null}}],\"x\":\"\\\"usage\\\":null\"}";
        assertThat(NullUsage.stripMember(nested)).isSameAs(nested);
        String object = "data: {\"usage\":{\"prompt_tokens\":1}}";
        assertThat(NullUsage.stripMember(object)).isSameAs(object);
    }

    @Test
    void injectsIncludeUsageOnlyWhenTheClientDidNotAsk() {
        assertThat(withUsage("{\"model\":\"gpt-4o\",\"stream\":true,\"temperature\":0.70}"))
                .isEqualTo("{\"model\":\"gpt-4o\",\"stream\":true,\"temperature\":0.70,\"stream_options\":{\"include_usage\":true}}");
        assertThat(withUsage("{\"stream\":true,\"top_p\":1.50,\"stream_options\":{}}"))
                .isEqualTo("{\"stream\":true,\"top_p\":1.50,\"stream_options\":{\"include_usage\":true}}");
        assertThat(withUsage("{ \"stream\" : true }\n")).isEqualTo("{ \"stream\" : true ,\"stream_options\":{\"include_usage\":true}}");
        assertThat(withUsage("{\"stream\":true,\"stream_options\":{\"include_usage\":false}}")).isNull();
        assertThat(withUsage("{\"stream\":true,\"stream_options\":{\"include_usage\":true}}")).isNull();
        assertThat(StreamOptions.withIncludeUsage("[1]".getBytes(StandardCharsets.UTF_8))).isNull();
    }

    /** The rewrite from the bytes and from the client's parsed body agree, and the latter parses nothing again. */
    private static String withUsage(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        byte[] fromBytes = StreamOptions.withIncludeUsage(bytes);
        RequestBody view = RequestBody.scan(bytes, "application/json");
        byte[] fromView = StreamOptions.withIncludeUsage(view, view.bytes());
        assertThat(view.parses()).isEqualTo(1);
        assertThat(fromView).isEqualTo(fromBytes);
        return fromBytes == null ? null : new String(fromBytes, StandardCharsets.UTF_8);
    }

    @Test
    void whoIsAskedForUsageIsTheProviderRowsFact() {
        ProviderRegistry registry = ProviderRegistry.withCustom(List.of(new CustomProvider("my-vllm", "http://127.0.0.1:8000/v1", null, null, List.of())));
        assertThat(StreamOptions.applies(registry.require("openai"), "/v1/chat/completions")).isTrue();
        assertThat(StreamOptions.applies(registry.require("mistral"), "/v1/chat/completions")).isFalse();
        assertThat(StreamOptions.applies(registry.require("my-vllm"), "/v1/chat/completions")).isTrue();
        assertThat(StreamOptions.applies(registry.require("openai"), "/v1/responses")).isFalse();
        assertThat(registry.slugs().stream().filter(s -> registry.require(s).acceptsStreamOptions()))
                .containsExactlyInAnyOrder("openai", "azure-openai", "groq", "deepseek", "openrouter", "grok", "cerebras", "huggingface", "my-vllm");
    }

    @Test
    void onlySuccessfulEventStreamsAreFilteredAndCharged() {
        UsageChunkFilter filter = new UsageChunkFilter();
        UsageMeter error = new UsageMeter(dev.fairway.provider.WireFormat.OPENAI, "openai", "gpt-4o",
                new dev.fairway.headers.CustomCost(null, null, 0.5), dev.fairway.cost.PriceTable.shippedOnly(), filter, null, Readings.NONE);
        error.onHeaders(429, dev.fairway.http.Headers.of("content-type", "text/event-stream"));
        assertThat(error.hiding()).isNull();
        assertThat(error.costUsd(error.usage())).isNull();

        UsageMeter json = new UsageMeter(dev.fairway.provider.WireFormat.OPENAI, "openai", "gpt-4o", null,
                dev.fairway.cost.PriceTable.shippedOnly(), filter, null, Readings.NONE);
        json.onHeaders(200, dev.fairway.http.Headers.of("content-type", "application/json"));
        assertThat(json.hiding()).isNull();

        UsageMeter sse = new UsageMeter(dev.fairway.provider.WireFormat.OPENAI, "openai", "gpt-4o",
                new dev.fairway.headers.CustomCost(null, null, 0.5), dev.fairway.cost.PriceTable.shippedOnly(), filter, null, Readings.NONE);
        sse.onHeaders(200, dev.fairway.http.Headers.of("content-type", "text/event-stream; charset=utf-8"));
        assertThat(sse.hiding()).isSameAs(filter);
        assertThat(sse.costUsd(null)).isEqualTo(0.5);
    }
}
