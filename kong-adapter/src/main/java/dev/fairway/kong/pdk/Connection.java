package dev.fairway.kong.pdk;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
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
 */
final class Connection implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);
    private static final long PID = ProcessHandle.current().pid();

    private final SocketChannel channel;
    private final Rpc<?> rpc;
    private final Runnable onClose;

    Connection(SocketChannel channel, Rpc<?> rpc, Runnable onClose) {
        this.channel = channel;
        this.rpc = rpc;
        this.onClose = onClose;
    }

    @Override
    public void run() {
        try (SocketChannel ch = channel;
             MessageUnpacker in = MessagePack.newDefaultUnpacker(Channels.newInputStream(ch));
             MessagePacker out = MessagePack.newDefaultPacker(new BufferedOutputStream(Channels.newOutputStream(ch), 64 * 1024))) {
            boolean pidSent = false;
            while (in.hasNext()) {
                Object message = MsgPack.unpack(in);
                if (!(message instanceof List<?> m) || m.size() != 4 || !Long.valueOf(0).equals(m.get(0))) {
                    LOG.warn("closing a Kong connection that sent something other than an RPC request");
                    return;
                }
                String method = Kong.text(m.get(2));
                List<Object> params = m.get(3) instanceof List<?> l ? new ArrayList<>(l) : Arrays.asList(m.get(3));
                Rpc.Reply reply = rpc.handle(method, params);
                if (!pidSent) {
                    MsgPack.pack(out, List.of(2L, "serverPid", PID));
                    pidSent = true;
                }
                MsgPack.pack(out, Arrays.asList(1L, m.get(1), reply.error(), reply.result()));
                out.flush();
            }
        } catch (IOException | RuntimeException e) {
            if (!channel.isOpen()) {
                LOG.debug("Kong connection closed: {}", e.toString());
            } else {
                LOG.warn("Kong connection failed: {}", e.toString());
            }
        } finally {
            onClose.run();
        }
    }
}
