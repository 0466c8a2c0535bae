package dev.fairway.dispatch;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.streams.ReadStream;

/**
 * The answer's writes to the client, one per pass of the event loop. Every write to a response
 * whose connection is not the one being read is flushed at once, one system call each; the chunks
 * one upstream read yields (an SSE burst, or an 18 KB answer that arrived whole, which the HTTP
 * decoder hands over in 8 KB pieces plus the chunked terminator) went out as three to five socket
 * writes. Here they are gathered and written when the event loop has finished the pass that made
 * them: nothing waits for a later chunk, so the first byte is not held back (docs/benchmarks.md,
 * "What changed (issue 22, wave 10)").
 *
 * <p>Back-pressure is the client's, as before: past {@link #MAX_PENDING} bytes the gathered writes go
 * out at once, and whenever the response's write queue is full the upstream is paused until it drains.
 * All calls run on the client connection's event loop.
 */
final class CoalescingWriter {
    /** Bytes gathered before they are written without waiting for the pass to end. */
    static final int MAX_PENDING = 64 * 1024;
    /** Pieces a gathered write holds before Netty would merge them (a copy): more than one pass's reads yield. */
    private static final int MAX_PIECES = 1024;

    private final HttpServerResponse response;
    private final Context context;
    private final ReadStream<?> upstream;
    private Buffer first;
    private CompositeByteBuf more;
    private int pendingBytes;
    private boolean flushQueued;

    CoalescingWriter(HttpServerResponse response, Context context, ReadStream<?> upstream) {
        this.response = requireNonNull(response, "response");
        this.context = requireNonNull(context, "context");
        this.upstream = requireNonNull(upstream, "upstream");
    }

    /** Gathers {@code chunk}; it is written when this pass of the event loop ends, or at once past {@link #MAX_PENDING}. */
    void write(Buffer chunk) {
        gather(chunk);
        if (pendingBytes >= MAX_PENDING) {
            flush();
        } else if (pendingBytes > 0 && !flushQueued) {
            flushQueued = true;
            context.runOnContext(v -> {
                flushQueued = false;
                flush();
            });
        }
    }

    /** Writes what is gathered now. */
    void flush() {
        Buffer out = take();
        if (out == null || response.ended() || response.closed()) {
            return;
        }
        response.write(out);
        if (response.writeQueueFull()) {
            upstream.pause();
            response.drainHandler(v -> upstream.resume());
        }
    }

    /** Ends the answer: what is gathered, then {@code last}, in one write. */
    void end(Buffer last) {
        gather(last);
        Buffer out = take();
        response.end(out == null ? Buffer.buffer() : out);
    }

    /** Drops what is gathered: the answer is being reset or its client has gone. */
    void discard() {
        take();
    }

    private void gather(Buffer chunk) {
        if (chunk.length() == 0) {
            return;
        }
        if (first == null) {
            first = chunk;
        } else {
            if (more == null) {
                more = Unpooled.compositeBuffer(MAX_PIECES);
                more.addComponent(true, ((BufferInternal) first).getByteBuf());
            }
            more.addComponent(true, ((BufferInternal) chunk).getByteBuf());
        }
        pendingBytes += chunk.length();
    }

    private Buffer take() {
        Buffer out = more != null ? BufferInternal.buffer(more) : first;
        first = null;
        more = null;
        pendingBytes = 0;
        return out;
    }
}
