package dev.fairway.kong.pdk;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.MessageUnpacker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One socket from an nginx worker's keepalive pool. Kong sends one request at a time on it,
 * {@code [0, msgid, method, [arg]]}, and waits for {@code [1, msgid, error, result]}; the first
 * reply on a connection is preceded by a {@code [2, "serverPid", pid]} notification, which lets Kong
 * notice that the server was restarted and drop its instance ids at once.
 *
 * <p>One thread at a time reads a connection: the thread that serves it, or the handler of an event
 * waiting for Kong's next step, which usually comes back on the connection that carried the last
 * one (Kong's pool hands out its most recently used socket first). The socket is non-blocking and
 * read through its own selector, so that a handler waiting on it can also be woken when its step
 * arrives on another connection instead ({@link #awaitRequest}). Replies are written by whoever
 * answers the request, one at a time, since Kong waits for each.
 */
final class Connection {
    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);
    private static final long PID = ProcessHandle.current().pid();

    /** A request from Kong. */
    record Request(Object msgId, String method, List<Object> params) {}

    /** What {@link #awaitRequest} returns when woken for the waiting event rather than by the socket. */
    static final Request WOKEN = new Request(null, "", List.of());

    private final SocketChannel channel;
    private final Selector selector;
    private final CountingInput input;
    private final MessageUnpacker in;
    private final MessagePacker out;
    private final java.util.function.Consumer<Connection> onClose;
    private boolean pidSent;

    Connection(SocketChannel channel, java.util.function.Consumer<Connection> onClose) throws IOException {
        this.channel = channel;
        this.onClose = onClose;
        channel.configureBlocking(false);
        this.selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
        this.input = new CountingInput();
        this.in = MessagePack.newDefaultUnpacker(input);
        this.out = MessagePack.newDefaultPacker(new BufferedOutputStream(Channels.newOutputStream(new Writer()), 64 * 1024));
    }

    /**
     * The next request, blocking until it comes; null when Kong closed the connection.
     *
     * @throws IOException on a broken socket or something that is not an RPC request
     */
    Request read() throws IOException {
        if (!in.hasNext()) {
            return null;
        }
        Object message = MsgPack.unpack(in);
        if (!(message instanceof List<?> m) || m.size() != 4 || !Long.valueOf(0).equals(m.get(0))) {
            throw new IOException("Kong sent something other than an RPC request");
        }
        List<Object> params = m.get(3) instanceof List<?> l ? new ArrayList<>(l) : Arrays.asList(m.get(3));
        return new Request(m.get(1), Kong.text(m.get(2)), params);
    }

    /**
     * The next request, or {@link #WOKEN} as soon as {@code woken} says so after a {@link #wakeUp()};
     * null when Kong closed the connection.
     */
    Request awaitRequest(java.util.function.BooleanSupplier woken) throws IOException {
        // Bytes the unpacker already holds are the next request: nothing to wait for.
        if (input.delivered == in.getTotalReadBytes()) {
            while (!woken.getAsBoolean()) {
                if (select() > 0) {
                    return read();
                }
            }
            return WOKEN;
        }
        return read();
    }

    /** Waits until the socket is readable or {@link #wakeUp()} is called; a closed connection reads as its end. */
    private int select() throws IOException {
        try {
            int n = selector.select();
            selector.selectedKeys().clear();
            return n;
        } catch (java.nio.channels.ClosedSelectorException e) {
            throw new java.nio.channels.ClosedChannelException();
        }
    }

    /** Makes a thread waiting in {@link #awaitRequest} look at its event again. */
    void wakeUp() {
        selector.wakeup();
    }

    /** Writes the reply to request {@code msgId}. */
    synchronized void reply(Object msgId, Rpc.Reply reply) throws IOException {
        if (!pidSent) {
            MsgPack.pack(out, List.of(2L, "serverPid", PID));
            pidSent = true;
        }
        MsgPack.pack(out, Arrays.asList(1L, msgId, reply.error(), reply.result()));
        out.flush();
    }

    boolean isOpen() {
        return channel.isOpen();
    }

    void close() {
        try {
            selector.close();
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing a Kong connection failed: {}", e.toString());
        } finally {
            onClose.accept(this);
        }
    }

    /** Reads the non-blocking socket as a blocking stream, waiting in the selector; counts what it hands out. */
    private final class CountingInput extends InputStream {
        long delivered;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
            while (true) {
                int n = channel.read(buffer);
                if (n > 0) {
                    delivered += n;
                    return n;
                }
                if (n < 0) {
                    return -1;
                }
                select();
            }
        }
    }

    /** Writes the whole buffer to the non-blocking socket, waiting for room when Kong reads slower. */
    private final class Writer implements java.nio.channels.WritableByteChannel {
        @Override
        public int write(ByteBuffer src) throws IOException {
            int total = src.remaining();
            while (src.hasRemaining()) {
                if (channel.write(src) == 0) {
                    // Rare (a reply larger than the socket buffer, such as a body); a short sleep beats a
                    // second selector shared with the reading side.
                    java.util.concurrent.locks.LockSupport.parkNanos(50_000);
                }
            }
            return total;
        }

        @Override
        public boolean isOpen() {
            return channel.isOpen();
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
