package dev.fairway.apisix.protocol;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;

/** One protocol message: its {@link RpcType} and its FlatBuffers payload. */
public record Frame(int type, ByteBuffer payload) {
    public Frame {
        if (type < 0 || type > 255) {
            throw new IllegalArgumentException("type: " + type + " (expected: 0..255)");
        }
        requireNonNull(payload, "payload");
    }
}
