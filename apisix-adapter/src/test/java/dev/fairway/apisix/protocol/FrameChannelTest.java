package dev.fairway.apisix.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;

class FrameChannelTest {

    @Test
    void headerIsTypeThenThreeByteBigEndianLength() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] payload = new byte[0x01_02_03];
        payload[0] = 42;

        channel(new byte[0], out).write(RpcType.HTTP_REQ_CALL, ByteBuffer.wrap(payload));

        byte[] written = out.toByteArray();
        assertThat(written).hasSize(4 + payload.length);
        assertThat(new byte[] {written[0], written[1], written[2], written[3]}).containsExactly(2, 0x01, 0x02, 0x03);
        assertThat(written[4]).isEqualTo((byte) 42);
    }

    @Test
    void readsWhatItWrites() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FrameChannel writer = channel(new byte[0], out);
        writer.write(RpcType.PREPARE_CONF, ByteBuffer.wrap(new byte[] {1, 2, 3}));
        writer.write(RpcType.EXTRA_INFO, ByteBuffer.allocate(0));

        FrameChannel reader = channel(out.toByteArray(), new ByteArrayOutputStream());
        Frame first = reader.read();
        Frame second = reader.read();

        assertThat(first.type()).isEqualTo(RpcType.PREPARE_CONF);
        assertThat(first.payload().remaining()).isEqualTo(3);
        assertThat(second.type()).isEqualTo(RpcType.EXTRA_INFO);
        assertThat(second.payload().remaining()).isZero();
        assertThat(reader.read()).as("clean end between frames").isNull();
    }

    @Test
    void theLargestPayloadFitsAndOneMoreByteIsRefusedBeforeWriting() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FrameChannel channel = channel(new byte[0], out);

        channel.write(RpcType.EXTRA_INFO, ByteBuffer.allocate(FrameChannel.MAX_PAYLOAD));
        byte[] header = java.util.Arrays.copyOf(out.toByteArray(), 4);
        out.reset();

        assertThat(header).containsExactly(3, 0xFF - 256, 0xFF - 256, 0xFF - 256);
        assertThatThrownBy(() -> channel.write(RpcType.EXTRA_INFO, ByteBuffer.allocate(FrameChannel.MAX_PAYLOAD + 1)))
                .isInstanceOf(FrameTooLargeException.class)
                .hasMessage("frame payload: 16777216 bytes (expected: at most 16777215)");
        assertThat(out.size()).isZero();
    }

    @Test
    void endInsideAFrameIsAnError() {
        FrameChannel channel = channel(new byte[] {2, 0, 0, 10, 1, 2}, new ByteArrayOutputStream());

        assertThatThrownBy(channel::read).isInstanceOf(EOFException.class).hasMessageContaining("inside a frame");
    }

    @Test
    void endInsideAHeaderIsAnError() {
        FrameChannel channel = channel(new byte[] {2, 0}, new ByteArrayOutputStream());

        assertThatThrownBy(channel::read).isInstanceOf(EOFException.class);
    }

    private static FrameChannel channel(byte[] in, ByteArrayOutputStream out) {
        ReadableByteChannel r = Channels.newChannel(new ByteArrayInputStream(in));
        WritableByteChannel w = Channels.newChannel(out);
        return new FrameChannel(new ByteChannel() {
            @Override
            public int read(ByteBuffer dst) throws IOException {
                return r.read(dst);
            }

            @Override
            public int write(ByteBuffer src) throws IOException {
                return w.write(src);
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {}
        });
    }
}
