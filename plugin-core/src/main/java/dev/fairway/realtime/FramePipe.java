package dev.fairway.realtime;

import io.vertx.core.http.WebSocketBase;
import io.vertx.core.http.WebSocketFrame;
import java.util.function.Consumer;

/**
 * One direction of a session: every data frame of {@code from} is written to {@code to} as it
 * comes, frame by frame (a fragmented message stays fragmented, nothing is held back). When
 * {@code to}'s write queue is full, {@code from} is paused until it drains, so a slow reader holds
 * the writer back instead of growing the gateway's memory. Control frames are each side's own
 * (Vert.x answers pings; closes are relayed by the session with their code and reason).
 */
final class FramePipe {
    private final WebSocketBase from;
    private final WebSocketBase to;
    private final Consumer<WebSocketFrame> tap;
    private long messages;
    private long bytes;
    private long pauses;

    /**
     * @param tap sees each data frame before it is written (usage, counts); runs on the event loop
     */
    FramePipe(WebSocketBase from, WebSocketBase to, Consumer<WebSocketFrame> tap) {
        this.from = from;
        this.to = to;
        this.tap = tap;
    }

    /** Starts relaying; {@code from} may have been paused until now, so that no early frame was dropped. */
    void start() {
        from.frameHandler(this::onFrame);
        from.resume();
    }

    private void onFrame(WebSocketFrame frame) {
        if (frame.isClose() || frame.isPing() || frame.type() == io.vertx.core.http.WebSocketFrameType.PONG) {
            return;
        }
        if (frame.isFinal()) {
            messages++;
        }
        bytes += frame.binaryData().length();
        tap.accept(frame);
        if (to.isClosed()) {
            return;
        }
        to.writeFrame(frame);
        if (to.writeQueueFull()) {
            pauses++;
            from.pause();
            to.drainHandler(v -> from.resume());
            if (!to.writeQueueFull()) {
                // Drained before the handler was in place: nobody else would resume the reader.
                from.resume();
            }
        }
    }

    /** Whole messages relayed (final frames). */
    long messages() {
        return messages;
    }

    /** Payload bytes relayed. */
    long bytes() {
        return bytes;
    }

    /** How often the reader was paused for a full writer: a slow side was held back, not buffered. */
    long pauses() {
        return pauses;
    }
}
