package dev.fairway.envoy;

import static dev.fairway.envoy.Http.chatBody;
import static dev.fairway.envoy.Http.request;
import static dev.fairway.envoy.Http.response;
import static dev.fairway.envoy.Http.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.grpc.Status;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A graceful stop (SIGTERM): new ext_proc streams are refused at once, while a stream already
 * open runs to its end and the stop waits for it.
 */
class DrainTest {
    private Fixture fx;

    @BeforeEach
    void start() throws Exception {
        fx = Fixture.start();
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    @Test
    void openStreamFinishesWhileNewOnesAreRefused() throws Exception {
        EnvoySide.Stream open = fx.envoy.open("direct", BodySendMode.BUFFERED, BodySendMode.STREAMED);
        open.requestHeaders(request("POST", "/direct/fake/v1/chat/completions", "content-type", "application/json"), false);
        open.reply();
        open.requestBody(utf8(chatBody(false)), true);
        assertThat(open.reply().getRequestBody().getResponse().getClearRouteCache()).isTrue();

        CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(() -> fx.fairway.shutdownGracefully(fx.server::stopIntake));
        while (fx.server.takingStreams()) {
            Thread.onSpinWait();
        }
        EnvoySide.Stream late = fx.envoy.open("direct", BodySendMode.BUFFERED, BodySendMode.STREAMED);
        late.requestHeaders(request("POST", "/direct/fake/v1/chat/completions", "content-type", "application/json"), false);
        assertThat(late.awaitClose().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(drained).as("the open stream holds the stop").isNotDone();

        open.responseHeaders(response(200, "content-type", "application/json"), false);
        assertThat(open.reply().hasResponseHeaders()).isTrue();
        open.responseBody(utf8(FakeUpstream.JSON), true);
        assertThat(open.reply().hasResponseBody()).isTrue();
        assertThat(drained.get(20, TimeUnit.SECONDS)).as("every open exchange finished").isTrue();
        assertThat(fx.recorder.next().completion().status()).isEqualTo(200);
        RequestPathTest.assertEndsCleanly(open);
    }
}
