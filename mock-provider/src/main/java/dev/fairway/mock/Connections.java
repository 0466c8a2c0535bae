package dev.fairway.mock;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.Objects;

/**
 * Ends connections the way broken upstreams do. Vert.x's public API only closes gracefully; a real
 * reset (RST) needs SO_LINGER=0 on the Netty channel, reached through Vert.x's connection class.
 * Should that class ever change shape, both methods fall back to a plain close.
 */
final class Connections {

    private Connections() {
    }

    /** Close at once with a TCP reset, discarding anything unsent. */
    static void reset(HttpConnection connection) {
        Objects.requireNonNull(connection, "connection");
        if (connection instanceof ConnectionBase base) {
            Channel channel = base.channel();
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
            channel.close();
        } else {
            connection.close();
        }
    }

    /**
     * Close at once with a normal FIN, so what was written arrives, but in the middle of an HTTP
     * response: the client sees the body end early.
     */
    static void close(HttpConnection connection) {
        Objects.requireNonNull(connection, "connection");
        if (connection instanceof ConnectionBase base) {
            base.channel().close();
        } else {
            connection.close();
        }
    }
}
