package dev.fairway.realtime;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.http.Headers;
import dev.fairway.pipeline.GatewayRequest;
import dev.fairway.pipeline.Usage;
import dev.fairway.provider.ProviderRegistry;
import dev.fairway.usage.RealtimeUsage;
import org.junit.jupiter.api.Test;

class RealtimeRequestTest {
    private final ProviderRegistry registry = ProviderRegistry.withCustom(java.util.List.of());

    @Test
    void aBrowsersSubprotocolCredentialsBecomeHeadersAndTheModelABody() {
        GatewayRequest r = RealtimeRequest.forDecision("/v1/acct/gw/openai?model=gpt-4o-realtime-preview%2Bx",
                Headers.of("upgrade", "websocket", "sec-websocket-protocol",
                        "realtime, cf-aig-authorization.tok-1, openai-insecure-api-key.sk-2, openai-beta.realtime-v1"),
                null, registry);
        assertThat(r.method()).isEqualTo("GET");
        assertThat(r.target()).isEqualTo("/v1/acct/gw/openai/realtime?model=gpt-4o-realtime-preview%2Bx");
        assertThat(r.headers().get("cf-aig-authorization")).isEqualTo("Bearer tok-1");
        assertThat(r.headers().get("authorization")).isEqualTo("Bearer sk-2");
        assertThat(new String(r.body(), UTF_8)).isEqualTo("{\"model\":\"gpt-4o-realtime-preview+x\"}");
        assertThat(RealtimeRequest.carriesCredential("cf-aig-authorization.tok-1")).isTrue();
        assertThat(RealtimeRequest.carriesCredential("realtime")).isFalse();
    }

    @Test
    void headersWinOverSubprotocolsAndOtherPathsStayAsTheyAre() {
        GatewayRequest r = RealtimeRequest.forDecision("/openai/v1/realtime?model=m&x=%zz",
                Headers.of("authorization", "Bearer from-header", "sec-websocket-protocol", "openai-insecure-api-key.sk-2"), null, registry);
        assertThat(r.target()).isEqualTo("/openai/v1/realtime?model=m&x=%zz");
        assertThat(r.headers().get("authorization")).isEqualTo("Bearer from-header");
        // A provider whose format is not OpenAI's names no realtime endpoint.
        assertThat(RealtimeRequest.atRealtimeEndpoint("/v1/a/g/anthropic", registry)).isEqualTo("/v1/a/g/anthropic");
        assertThat(RealtimeRequest.queryParam("/x?model=%zz", "model")).isEqualTo("%zz");
        assertThat(RealtimeRequest.forDecision("/openai/v1/realtime", Headers.of(), null, registry).body()).isEmpty();
    }

    @Test
    void usageIsReadFromResponseDoneOnlyWithItsCachedTokens() {
        byte[] done = """
                {"type":"response.done","event_id":"e1","response":{"id":"r","status":"completed","usage":{"total_tokens":253,
                "input_tokens":132,"output_tokens":121,"input_token_details":{"text_tokens":119,"audio_tokens":13,"cached_tokens":64,
                "cached_tokens_details":{"text_tokens":64}},"output_token_details":{"text_tokens":30,"audio_tokens":91}}}}
                """.getBytes(UTF_8);
        assertThat(RealtimeUsage.mayReport(done, done.length)).isTrue();
        assertThat(RealtimeUsage.read(done)).isEqualTo(new Usage(132, 121, 64));
        byte[] delta = "{\"type\":\"response.text.delta\",\"delta\":\"hello\"}".getBytes(UTF_8);
        assertThat(RealtimeUsage.mayReport(delta, delta.length)).isFalse();
        // The search is only a filter: a delta whose text names the event is read, and reports nothing.
        byte[] naming = "{\"type\":\"response.text.delta\",\"delta\":\"\\\"response.done\\\"\"}".getBytes(UTF_8);
        assertThat(RealtimeUsage.read(naming)).isNull();
        byte[] created = "{\"type\":\"response.created\",\"response\":{\"usage\":null}}".getBytes(UTF_8);
        assertThat(RealtimeUsage.read(created)).isNull();
    }
}
