package dev.fairway.kong.pdk;

import java.io.IOException;
import java.io.InputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * One socket of an nginx worker's keepalive pool, read the way Kong's {@code Rpc:call} reads it:
 * non-blocking, waited on in an event loop (epoll, as nginx does), and received in chunks of at
 * most 4096 bytes ({@code c:receiveany(4096)}) by a reader made for one call. What such a chunk
 * holds beyond the reply the call waited for is lost with the reader; bytes that come after the
 * reply leave the socket readable while it sits in the pool, and nginx's keepalive pool closes a
 * pooled socket that becomes readable (data or end of stream) rather than hand it out again
 * ({@link #stale()}). So a plugin server that wrote a second message after its reply, unasked,
 * would see it dropped, never run, exactly as with Kong.
 */
final class Cosocket implements AutoCloseable {
    /** Kong's {@code receiveany} size in {@code mp_rpc.lua}. */
    static final int CHUNK = 4096;

    private final SocketChannel channel;
    private final Selector selector;

    private Cosocket(SocketChannel channel) throws IOException {
        this.channel = channel;
        channel.configureBlocking(false);
        this.selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
    }

    static Cosocket connect(Path socket) throws IOException {
        return new Cosocket(SocketChannel.open(UnixDomainSocketAddress.of(socket)));
    }

    /** Whether the pool would have closed this socket: it is readable while no call waits on it. */
    boolean stale() throws IOException {
        int ready = selector.selectNow();
        selector.selectedKeys().clear();
        return ready > 0;
    }

    void send(ByteBuffer out) throws IOException {
        while (out.hasRemaining()) {
            if (channel.write(out) == 0) {
                // A large step (a body) filling the socket buffer: the plugin server drains it.
                LockSupport.parkNanos(20_000);
            }
        }
    }

    /** A reader for one call: {@code receiveany(4096)} chunks; counts what it was handed. */
    Chunks reader() {
        return new Chunks();
    }

    @Override
    public void close() throws IOException {
        try {
            selector.close();
        } finally {
            channel.close();
        }
    }

    final class Chunks extends InputStream {
        long received;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            ByteBuffer buffer = ByteBuffer.wrap(b, off, Math.min(len, CHUNK));
            while (true) {
                int n = channel.read(buffer);
                if (n != 0) {
                    if (n > 0) {
                        received += n;
                    }
                    return n;
                }
                selector.select();
                selector.selectedKeys().clear();
            }
        }
    }
}
