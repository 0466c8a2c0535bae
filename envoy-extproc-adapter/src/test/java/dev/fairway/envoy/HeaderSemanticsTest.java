package dev.fairway.envoy;

import static dev.fairway.envoy.Http.request;
import static dev.fairway.envoy.Http.response;
import static dev.fairway.envoy.Http.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.http.Headers;
import dev.fairway.pipeline.Decision;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.ImmediateResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Headers with several values reach the client with all of them, under the rules Envoy's ext_proc
 * applies to a header mutation ({@link EnvoyHeaders}: only the deprecated {@code append} wrapper
 * adds a value; everything else replaces).
 */
class HeaderSemanticsTest {
    @Test
    void everyValueOfALocalReplyHeaderSurvives() {
        Headers h = Headers.of("content-type", "application/json", "content-language", "de-CH", "content-language", "en");
        ImmediateResponse r = Messages.immediate(new Decision.Answer(200, h, utf8("{}")), "test").getImmediateResponse();
        EnvoyHeaders applied = EnvoyHeaders.empty().apply(r.getHeaders());
        assertThat(applied.all("content-language")).containsExactly("de-CH", "en");
        assertThat(applied.all("content-type")).containsExactly("application/json");
    }

    @Test
    void aSetReplacesWhatEnvoyHolds() {
        EnvoyHeaders held = EnvoyHeaders.of(response(200, "cf-aig-log-id", "forged", "cf-aig-log-id", "twice"));
        held.apply(Messages.setAll(Headers.of("cf-aig-log-id", "01J0000000000000000000000A")));
        assertThat(held.all("cf-aig-log-id")).containsExactly("01J0000000000000000000000A");
    }

    /** A cache hit replays the stored answer's headers as an ImmediateResponse, each value intact. */
    @Test
    void cachedAnswerIsReplayedWithEveryValue() throws Exception {
        // Unique per run: the cache's disk tier outlives the process.
        String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + java.util.UUID.randomUUID() + "\"}]}";
        try (Fixture fx = Fixture.start()) {
            EnvoySide.Stream miss = fx.envoy.open("cached", BodySendMode.BUFFERED, BodySendMode.STREAMED);
            miss.requestHeaders(request("POST", "/cached/fake/v1/chat/completions", "content-type", "application/json"), false);
            miss.reply();
            miss.requestBody(utf8(body), true);
            miss.reply();
            miss.responseHeaders(response(200, "content-type", "application/json", "content-language", "de-CH",
                    "content-language", "en"), false);
            miss.reply();
            miss.responseBody(utf8(FakeUpstream.JSON), true);
            miss.reply();
            RequestPathTest.assertEndsCleanly(miss);
            fx.recorder.next();

            EnvoySide.Stream hit = fx.envoy.open("cached", BodySendMode.BUFFERED, BodySendMode.STREAMED);
            hit.requestHeaders(request("POST", "/cached/fake/v1/chat/completions", "content-type", "application/json"), false);
            hit.reply();
            hit.requestBody(utf8(body), true);
            ImmediateResponse r = hit.reply().getImmediateResponse();
            EnvoyHeaders replayed = EnvoyHeaders.empty().apply(r.getHeaders());
            assertThat(replayed.all("cf-aig-cache-status")).containsExactly("HIT");
            assertThat(replayed.all("content-language")).containsExactly("de-CH", "en");
            assertThat(r.getBody().toString(StandardCharsets.UTF_8)).isEqualTo(FakeUpstream.JSON);
        }
    }
}
