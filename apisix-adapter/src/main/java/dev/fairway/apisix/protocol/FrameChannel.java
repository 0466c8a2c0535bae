package dev.fairway.apisix.protocol;

import static java.util.Objects.requireNonNull;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.GatheringByteChannel;

/**
 * Frames over a blocking byte channel: 1 byte type, 3 bytes big-endian payload length, then the
 * payload. Both APISIX and the runners cap the payload at 2^24-1 bytes; there is no continuation
 * frame, so anything larger cannot be sent at all.
 *
 * <p>Not thread-safe: a connection carries one exchange of frames at a time, as APISIX uses it.
 */
public final class FrameChannel implements AutoCloseable {
    public static final int MAX_PAYLOAD = (1 << 24) - 1;

    private final ByteChannel channel;
    private final ByteBuffer header = ByteBuffer.allocate(4);

    public FrameChannel(ByteChannel channel) {
        this.channel = requireNonNull(channel, "channel");
    }

    /** The next frame, or null when the peer closed the connection between frames. */
    public Frame read() throws IOException {
        header.clear();
        if (!fill(header, true)) {
            return null;
        }
        header.flip();
        int type = header.get() & 0xFF;
        int length = ((header.get() & 0xFF) << 16) | ((header.get() & 0xFF) << 8) | (header.get() & 0xFF);
        ByteBuffer payload = ByteBuffer.allocate(length);
        fill(payload, false);
        payload.flip();
        return new Frame(type, payload);
    }

    /** Writes one frame; the payload is read from its position to its limit and left unchanged. */
    public void write(int type, ByteBuffer payload) throws IOException {
        int length = payload.remaining();
        if (length > MAX_PAYLOAD) {
            throw new FrameTooLargeException(length);
        }
        header.clear();
        header.put((byte) type).put((byte) (length >>> 16)).put((byte) (length >>> 8)).put((byte) length).flip();
        ByteBuffer body = payload.duplicate();
        ByteBuffer[] parts = {header, body};
        if (channel instanceof GatheringByteChannel gathering) {
            while (body.hasRemaining() || header.hasRemaining()) {
                gathering.write(parts);
            }
        } else {
            while (header.hasRemaining()) {
                channel.write(header);
            }
            while (body.hasRemaining()) {
                channel.write(body);
            }
        }
    }

    public void write(Frame frame) throws IOException {
        write(frame.type(), frame.payload());
    }

    private boolean fill(ByteBuffer buffer, boolean eofAllowedAtStart) throws IOException {
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer);
            if (n < 0) {
                if (eofAllowedAtStart && buffer.position() == 0) {
                    return false;
                }
                throw new EOFException("connection closed inside a frame (" + buffer.position() + " of " + buffer.capacity() + " bytes)");
            }
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
