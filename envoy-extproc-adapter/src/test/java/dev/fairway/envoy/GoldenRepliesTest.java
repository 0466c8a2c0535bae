package dev.fairway.envoy;

import static dev.fairway.envoy.Http.chatBody;
import static dev.fairway.envoy.Http.request;
import static dev.fairway.envoy.Http.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.TextFormat;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The exact ext_proc answers Envoy receives, as protobuf text, against golden files under
 * src/test/resources/golden. Values that change per run (log ids, tickets, ports) are masked.
 */
class GoldenRepliesTest {
    private static Fixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = Fixture.start();
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    @Test
    void unknownRoute() throws Exception {
        EnvoySide.Stream s = fx.envoy.open("nope");
        s.requestHeaders(request("POST", "/ai/fake/v1/chat/completions"), false);
        assertGolden("unknown-route.textproto", s.reply());
    }

    @Test
    void dispatcherForward() throws Exception {
        assertGolden("dispatcher-forward.textproto", forward("ai", "/ai/fake/v1/chat/completions"));
    }

    @Test
    void directForward() throws Exception {
        assertGolden("direct-forward.textproto", forward("direct", "/direct/fake/v1/chat/completions"));
    }

    @Test
    void directResponseHeaders() throws Exception {
        EnvoySide.Stream s = fx.envoy.open("direct");
        s.requestHeaders(request("POST", "/direct/fake/v1/chat/completions", "content-type", "application/json",
                "cf-aig-event-id", "evt-42"), false);
        s.reply();
        s.requestBody(utf8(chatBody(true)), true);
        s.reply();
        s.responseHeaders(Http.response(200, "content-type", "text/event-stream"), false);
        assertGolden("direct-response-headers.textproto", s.reply());
    }

    private static ProcessingResponse forward(String route, String path) throws Exception {
        EnvoySide.Stream s = fx.envoy.open(route);
        s.requestHeaders(request("POST", path, "content-type", "application/json", "authorization", "Bearer client-key",
                "cf-aig-metadata", "{\"team\":\"a\"}"), false);
        s.reply();
        s.requestBody(utf8(chatBody(false)), true);
        return s.reply();
    }

    private static void assertGolden(String name, ProcessingResponse reply) throws IOException {
        String actual = TextFormat.printer().escapingNonAscii(false).printToString(reply)
                .replaceAll("[0-9A-HJKMNP-TV-Z]{26}", "<log-id>")
                .replaceAll("[0-9a-f]{32}", "<ticket>")
                .replace("127.0.0.1:" + fx.upstream.port(), "127.0.0.1:<port>")
                .replace(Fixture.GATEWAY_KEY, "<gateway-key>");
        if ("1".equals(System.getenv("FAIRWAY_WRITE_GOLDEN"))) {
            // A deliberate change of the answers: write the new golden file, then review its diff.
            java.nio.file.Files.writeString(java.nio.file.Path.of("src", "test", "resources", "golden", name), actual, StandardCharsets.UTF_8);
        }
        try (InputStream in = GoldenRepliesTest.class.getResourceAsStream("/golden/" + name)) {
            assertThat(in).as("golden file %s; actual:%n%s", name, actual).isNotNull();
            assertThat(actual).isEqualTo(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
