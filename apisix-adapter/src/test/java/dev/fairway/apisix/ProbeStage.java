package dev.fairway.apisix;

import dev.fairway.http.Headers;
import dev.fairway.pipeline.Decision;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.Stage;
import dev.fairway.pipeline.Step;
import dev.fairway.pipeline.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A stage for the runner tests: records the host consumer of every exchange, and answers like a
 * cache hit when the request carries {@code x-probe-hit} (the cache stage is another issue's).
 */
final class ProbeStage implements Stage {
    static final byte[] HIT_BODY = "{\"id\":\"chatcmpl-cached\",\"object\":\"chat.completion\"}".getBytes(StandardCharsets.UTF_8);

    private final BlockingQueue<String> consumers = new LinkedBlockingQueue<>();

    @Override
    public String name() {
        return "probe";
    }

    @Override
    public Step open(Exchange exchange) {
        consumers.add(exchange.hostConsumer() == null ? "<none>" : exchange.hostConsumer());
        if (!exchange.clientHeaders().contains("x-probe-hit")) {
            return Step.NONE;
        }
        return new Step() {
            @Override
            public CompletableFuture<Verdict> beforeDispatch() {
                return CompletableFuture.completedFuture(Verdict.answer(new Decision.Answer(200,
                        Headers.of("content-type", "application/json", "cf-aig-cache-status", "HIT"), HIT_BODY)));
            }
        };
    }

    String nextConsumer() throws InterruptedException {
        return consumers.poll(10, TimeUnit.SECONDS);
    }

    void clear() {
        consumers.clear();
    }
}
