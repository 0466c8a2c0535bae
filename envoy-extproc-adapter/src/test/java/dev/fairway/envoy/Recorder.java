package dev.fairway.envoy;

import dev.fairway.http.Headers;
import dev.fairway.pipeline.Completion;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.ResponseObserver;
import dev.fairway.pipeline.Stage;
import dev.fairway.pipeline.Step;
import dev.fairway.pipeline.Verdict;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A stage that records what the core's steps see of each exchange: the observed response (status,
 * bytes in order, how it ended) and the completion. Optionally holds the decision until released,
 * to play a slow dependency (a quota store, a cache) without sleeping.
 */
final class Recorder implements Stage {
    record Seen(Exchange exchange, int status, byte[] body, Boolean clean, Completion completion) {}

    final BlockingQueue<Seen> completed = new LinkedBlockingQueue<>();
    final BlockingQueue<Exchange> opened = new LinkedBlockingQueue<>();
    private volatile CompletableFuture<Verdict> gate = Verdict.PROCEED_NOW;

    @Override
    public String name() {
        return "recorder";
    }

    /** Holds every later decision until {@code gate} completes. */
    void hold(CompletableFuture<Verdict> gate) {
        this.gate = gate;
    }

    Seen next() throws InterruptedException {
        Seen s = completed.poll(20, TimeUnit.SECONDS);
        if (s == null) {
            throw new AssertionError("no exchange was completed");
        }
        return s;
    }

    @Override
    public Step open(Exchange exchange) {
        opened.add(exchange);
        CompletableFuture<Verdict> myGate = gate;
        return new Step() {
            private final ByteArrayOutputStream body = new ByteArrayOutputStream();
            private int status;
            private Boolean clean;

            @Override
            public CompletableFuture<Verdict> beforeDispatch() {
                return myGate;
            }

            @Override
            public ResponseObserver observer() {
                return new ResponseObserver() {
                    @Override
                    public void onHeaders(int s, Headers headers) {
                        status = s;
                    }

                    @Override
                    public void onChunk(ByteBuffer chunk) {
                        byte[] b = new byte[chunk.remaining()];
                        chunk.get(b);
                        body.writeBytes(b);
                    }

                    @Override
                    public void onEnd(boolean c) {
                        clean = c;
                    }
                };
            }

            @Override
            public void afterCompletion(Completion completion) {
                completed.add(new Seen(exchange, status, body.toByteArray(), clean, completion));
            }
        };
    }
}
