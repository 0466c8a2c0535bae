package dev.fairway.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.config.DispatchSettings;
import dev.fairway.http.Headers;
import dev.fairway.pipeline.UpstreamRequest;
import dev.fairway.plan.PlannedTarget;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PreparingCallTest {
    private final Vertx vertx = Vertx.vertx();
    private final Dispatcher dispatcher = new Dispatcher(vertx, DispatchSettings.defaults());
    private final Fakes.Script inner = new Fakes.Script();
    private final List<PlannedTarget> prepared = new ArrayList<>();
    private final UpstreamRequest request = new UpstreamRequest("POST", URI.create("https://openai.example/v1/chat/completions"),
            Headers.of("authorization", "Bearer sk-test"), new byte[0]);
    private final PreparingCall call = new PreparingCall(inner, dispatcher, t -> {
        prepared.add(t);
        return request;
    });
    private final Promise<Void> clientLeft = Promise.promise();
    private final PlannedTarget target = Fakes.target(0, "openai", 1);

    @AfterEach
    void close() {
        dispatcher.close();
        vertx.close();
    }

    @Test
    void theInnerCallSendsThePreparedRequest() {
        UpstreamHead ok = Fakes.head(200);
        inner.then(ok);
        Future<UpstreamHead> head = call.call(Fakes.attempt(target, true, Fakes.circuit(new AtomicLong()), clientLeft.future()));
        assertThat(head.result()).isSameAs(ok);
        assertThat(prepared).containsExactly(target);
        assertThat(inner.attempts.get(0).request()).as("neither signed nor exchanged: a bearer key goes as is").isSameAs(request);
    }

    @Test
    void aClientThatLeftIsNotSentFor() {
        clientLeft.complete();
        Future<UpstreamHead> head = call.call(Fakes.attempt(target, true, Fakes.circuit(new AtomicLong()), clientLeft.future()));
        assertThat(head.cause()).isSameAs(Cancelled.INSTANCE);
        assertThat(inner.attempts).isEmpty();
    }
}
