package dev.fairway.host;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.Fairway;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.RouteConfig;
import dev.fairway.dispatch.HostRelay;
import dev.fairway.http.Headers;
import dev.fairway.pipeline.Completion;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.GatewayRequest;
import dev.fairway.pipeline.ResponseObserver;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 24 through the hosts: Kong and APISIX forward by ticket, Envoy in direct mode proxies
 * upstream itself, and all three hand their route to {@link HostBridge}. A question answered
 * through a host is indexed, and a paraphrase on the same host route is answered from the cache by
 * meaning, with the same headers as in the standalone gateway; another host route never shares it.
 */
class SemanticHostTest {
    private static final String ANSWER = "{\"id\":\"c1\",\"choices\":[{\"message\":{\"content\":\"Yes, 14 days.\"}}]}";
    private static final RouteConfig ROUTE = ConfigLoader.withEnv(Map.of())
            .parseRoute("{name: kong-route, cache: {enabled: true, semantic: {enabled: true}}}");
    private static final RouteConfig OTHER = ConfigLoader.withEnv(Map.of())
            .parseRoute("{name: other-route, cache: {enabled: true, semantic: {enabled: true}}}");

    @TempDir
    Path dir;

    @Test
    void aParaphraseThroughAHostForwardingByTicketIsAnsweredByMeaning() {
        try (Fairway fairway = start()) {
            HostBridge bridge = new HostBridge(fairway.gateway(), fairway.dispatcher());
            HostResult first = bridge.handle(ask("Is there a free trial?"), ROUTE, 10_000).await();
            assertThat(first).isInstanceOf(HostResult.ForwardByTicket.class);
            answer(((HostResult.ForwardByTicket) first).exchange(), 200, ANSWER);

            HostResult.Answer hit = awaitSemanticHit(bridge, ROUTE, Via.TICKET);

            assertThat(hit.answer().headers().get("cf-aig-cache-status")).isEqualTo("HIT");
            assertThat(hit.answer().headers().get("fairway-cache-match")).startsWith("semantic; similarity=0.");
            assertThat(new String(hit.answer().body(), UTF_8)).isEqualTo(ANSWER);
            // Another host route with the same settings never answers from this one's entries.
            HostResult other = bridge.handle(ask("Do you offer a free trial?"), OTHER, 10_000).await();
            assertThat(other).isInstanceOf(HostResult.ForwardByTicket.class);
            answer(((HostResult.ForwardByTicket) other).exchange(), 503, "{\"error\":{\"message\":\"busy\"}}");
        }
    }

    @Test
    void aParaphraseThroughEnvoysDirectModeIsAnsweredByMeaning() {
        try (Fairway fairway = start()) {
            HostBridge bridge = new HostBridge(fairway.gateway(), fairway.dispatcher());
            HostResult first = bridge.handle(ask("Is there a free trial?"), ROUTE, 10_000, Via.direct(true)).await();
            assertThat(first).isInstanceOf(HostResult.Direct.class);
            HostRelay tap = ((HostResult.Direct) first).tap();
            tap.head(200, Headers.of("content-type", "application/json"));
            tap.chunk(ByteBuffer.wrap(ANSWER.getBytes(UTF_8)));
            tap.end();

            HostResult.Answer hit = awaitSemanticHit(bridge, ROUTE, Via.direct(true));

            assertThat(hit.answer().headers().get("cf-aig-cache-status")).isEqualTo("HIT");
            assertThat(hit.answer().headers().get("fairway-cache-match")).startsWith("semantic; similarity=0.");
            assertThat(new String(hit.answer().body(), UTF_8)).isEqualTo(ANSWER);
        }
    }

    private Fairway start() {
        return Fairway.builder(ConfigLoader.withEnv(Map.of()).parse("""
                logs: {spool_dir: "%s"}
                cache_storage: {heap_entries: 100, off_heap_mb: 4, disk_mb: 16, directory: "%s"}
                """.formatted(dir.resolve("spool"), dir.resolve("cache")))).start();
    }

    /** The paraphrase until the question is indexed (stores finish on the semantic pool); misses meanwhile are answered 503, which is not stored. */
    private static HostResult.Answer awaitSemanticHit(HostBridge bridge, RouteConfig route, Via via) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            HostResult r = bridge.handle(ask("Do you offer a free trial?"), route, 10_000, via).await();
            if (r instanceof HostResult.Answer a) {
                return a;
            }
            if (r instanceof HostResult.ForwardByTicket f) {
                answer(f.exchange(), 503, "{\"error\":{\"message\":\"busy\"}}");
            } else if (r instanceof HostResult.Direct d) {
                d.tap().head(503, Headers.of("content-type", "application/json"));
                d.tap().chunk(ByteBuffer.wrap("{\"error\":{\"message\":\"busy\"}}".getBytes(UTF_8)));
                d.tap().end();
            }
            assertThat(System.nanoTime()).as("a semantic hit within 30 s").isLessThan(deadline);
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    private static void answer(Exchange ex, int status, String body) {
        ResponseObserver o = ex.observer();
        o.onHeaders(status, Headers.of("content-type", "application/json"));
        byte[] b = body.getBytes(UTF_8);
        o.onChunk(ByteBuffer.wrap(b));
        o.onEnd(true);
        ex.complete(new Completion(status, false, false, 0, 1, 0, 0, b.length, null, null, null));
    }

    private static GatewayRequest ask(String question) {
        return new GatewayRequest("POST", "/openai/v1/chat/completions",
                Headers.of("content-type", "application/json", "authorization", "Bearer sk-client"),
                ("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + question + "\"}]}").getBytes(UTF_8), null);
    }
}
