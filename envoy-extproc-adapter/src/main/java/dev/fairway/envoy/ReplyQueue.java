package dev.fairway.envoy;

import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answers of one ext_proc stream, sent in the order of the messages they answer. Outside
 * FULL_DUPLEX_STREAMED, Envoy matches responses to requests by position (one response per message,
 * in order; external_processor.proto, ProcessingResponse), so an answer that is still being decided
 * holds back the ones behind it, never the other way round.
 */
final class ReplyQueue {
    private static final Logger LOG = LoggerFactory.getLogger(ReplyQueue.class);

    private final ServerCallStreamObserver<ProcessingResponse> out;
    private final ArrayDeque<Slot> slots = new ArrayDeque<>();
    private boolean closing;
    private boolean closed;

    ReplyQueue(ServerCallStreamObserver<ProcessingResponse> out) {
        this.out = out;
    }

    /** Queues an answer that is ready now. */
    void now(ProcessingResponse response) {
        Slot slot = reserve();
        fill(slot, response);
    }

    /** Queues an answer that is decided later; a failed one ends the call, since nothing can take its place. */
    void later(CompletableFuture<ProcessingResponse> response) {
        Slot slot = reserve();
        response.whenComplete((r, t) -> {
            if (r != null) {
                fill(slot, r);
            } else {
                LOG.error("ext_proc answer failed", t);
                fail(io.grpc.Status.INTERNAL.withDescription("the gateway failed to process the message"));
            }
        });
    }

    /** Envoy half-closed: end our side once every queued answer has gone out. */
    synchronized void finish() {
        closing = true;
        drain();
    }

    /** The call is gone (cancelled or failed): nothing more can be sent. */
    synchronized void abandon() {
        closed = true;
        slots.clear();
    }

    /** Ends the call with an error; Envoy then applies its failure mode. */
    synchronized void fail(io.grpc.Status status) {
        if (closed) {
            return;
        }
        closed = true;
        slots.clear();
        out.onError(status.asRuntimeException());
    }

    synchronized boolean isClosed() {
        return closed;
    }

    private synchronized Slot reserve() {
        Slot slot = new Slot();
        if (!closed) {
            slots.add(slot);
        }
        return slot;
    }

    private synchronized void fill(Slot slot, ProcessingResponse response) {
        slot.response = response;
        drain();
    }

    private void drain() {
        while (!closed && !slots.isEmpty() && slots.peek().response != null) {
            ProcessingResponse r = slots.poll().response;
            try {
                out.onNext(r);
            } catch (RuntimeException e) {
                // The call was cancelled between our check and the write.
                LOG.debug("ext_proc reply dropped: {}", e.toString());
                closed = true;
                slots.clear();
                return;
            }
        }
        if (closing && !closed && slots.isEmpty()) {
            closed = true;
            out.onCompleted();
        }
    }

    private static final class Slot {
        ProcessingResponse response;
    }
}
