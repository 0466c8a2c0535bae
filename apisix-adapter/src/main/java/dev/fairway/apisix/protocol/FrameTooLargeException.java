package dev.fairway.apisix.protocol;

import java.io.IOException;

/** A payload that the 3-byte length field cannot describe; nothing was written. */
public final class FrameTooLargeException extends IOException {
    private final int length;

    public FrameTooLargeException(int length) {
        super(String.format("frame payload: %d bytes (expected: at most %d)", length, FrameChannel.MAX_PAYLOAD));
        this.length = length;
    }

    public int length() {
        return length;
    }
}
