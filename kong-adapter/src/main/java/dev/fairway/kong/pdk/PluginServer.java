package dev.fairway.kong.pdk;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one {@link KongPlugin} to Kong over MessagePack-RPC ({@code MsgPack:1}) on a Unix socket,
 * one platform thread per connection, so every nginx worker's pool of sockets is served at once. An
 * event's handler runs on the thread that read its {@code plugin.HandleEvent} and reads Kong's
 * steps itself ({@link Event}): a platform thread, because one blocked in its socket is woken by the
 * kernel directly, where a virtual thread is woken by the JDK's poller thread and then scheduled on
 * a carrier, two wake-ups on every PDK call.
 *
 * <pre>{@code
 * try (PluginServer<MyConfig> server = PluginServer.builder(new MyPlugin())
 *         .socket(Path.of("/usr/local/kong/my-plugin.socket")).build().start()) {
 *     ...
 * }
 * }</pre>
 */
public final class PluginServer<C> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PluginServer.class);

    /** The protocol name Kong reads from the query command's output. */
    public static final String PROTOCOL = "MsgPack:1";

    private final Path socket;
    private final Registry<C> registry;
    private final Rpc<C> rpc;
    private final Duration sweepEvery;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private volatile ServerSocketChannel server;
    private volatile Object socketFileKey;
    private volatile boolean closed;

    private PluginServer(Builder<C> b) {
        this.socket = b.socket;
        this.registry = new Registry<>(b.plugin, b.clock, b.eventTimeout.toNanos(), b.instanceIdle.toNanos());
        this.rpc = new Rpc<>(b.plugin, registry);
        this.sweepEvery = b.sweepEvery;
    }

    public static <C> Builder<C> builder(KongPlugin<C> plugin) {
        return new Builder<>(plugin);
    }

    /** Binds the socket (replacing a stale file left by a dead server) and starts serving. */
    public PluginServer<C> start() throws IOException {
        if (Files.exists(socket)) {
            if (listening(socket)) {
                throw new IOException(socket + ": another plugin server is listening on this socket");
            }
            Files.delete(socket);
        }
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        ch.bind(UnixDomainSocketAddress.of(socket), 1024);
        server = ch;
        socketFileKey = fileKey(socket);
        Thread.ofVirtual().name("kong-accept").start(this::acceptLoop);
        if (sweepEvery != null) {
            Thread.ofVirtual().name("kong-sweep").start(this::sweepLoop);
        }
        LOG.info("serving Kong plugin server protocol {} on {}", PROTOCOL, socket);
        return this;
    }

    public Path socket() {
        return socket;
    }

    /** Expires idle events and instances now (it also runs by itself every {@code sweepEvery}). */
    public void sweep() {
        registry.sweep();
    }

    public int instanceCount() {
        return registry.instanceCount();
    }

    /** Events in flight, counting those that ended with {@code kong.response.exit} and may still get a last step. */
    public int eventCount() {
        return registry.eventCount();
    }

    /**
     * Stops taking new work, for a graceful stop: the socket file goes at once, so that the server
     * Kong starts next can bind it, and new instances and events are refused; connections already
     * open stay, because Kong sends an open event's next steps on them. Returns once the events
     * already open have ended (a forwarded request then belongs to the gateway's in-flight
     * exchanges), or after {@code wait}.
     *
     * @return true when no event was left open
     */
    public boolean stopIntake(Duration wait) throws InterruptedException {
        registry.stopIntake();
        closeListener();
        boolean none = registry.awaitNoOpenEvents(wait.toNanos());
        LOG.info("stopped taking Kong events{}", none ? "" : "; some were still open after " + wait.toSeconds() + " s");
        return none;
    }

    private void closeListener() {
        try {
            if (server != null) {
                server.close();
            }
            // Only our own file: after a restart the path may already be the next server's.
            if (socketFileKey != null && socketFileKey.equals(fileKey(socket))) {
                Files.deleteIfExists(socket);
            }
        } catch (IOException e) {
            LOG.warn("closing the plugin server socket {} failed: {}", socket, e.toString());
        }
    }

    private static Object fileKey(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                if (!closed && !registry.intakeStopped()) {
                    LOG.error("accepting a Kong connection failed; the plugin server stops accepting", e);
                }
                return;
            }
            Connection connection;
            try {
                connection = new Connection(ch, connections::remove);
            } catch (IOException e) {
                LOG.warn("setting up a Kong connection failed; closing it: {}", e.toString());
                try {
                    ch.close();
                } catch (IOException closing) {
                    e.addSuppressed(closing);
                }
                continue;
            }
            connections.add(connection);
            rpc.serve(connection, null);
        }
    }

    private void sweepLoop() {
        while (!closed) {
            try {
                Thread.sleep(sweepEvery);
            } catch (InterruptedException e) {
                return;
            }
            registry.sweep();
        }
    }

    private static boolean listening(Path socket) {
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            return probe.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeListener();
        for (Connection c : connections) {
            c.close();
        }
        registry.closeAll();
        rpc.close();
    }

    public static final class Builder<C> {
        private final KongPlugin<C> plugin;
        private Path socket;
        private LongSupplier clock = System::nanoTime;
        private Duration eventTimeout = Duration.ofSeconds(60);
        private Duration instanceIdle = Duration.ofMinutes(10);
        private Duration sweepEvery = Duration.ofSeconds(1);

        private Builder(KongPlugin<C> plugin) {
            this.plugin = requireNonNull(plugin, "plugin");
        }

        public Builder<C> socket(Path socket) {
            this.socket = requireNonNull(socket, "socket");
            return this;
        }

        /**
         * How long an event may wait for Kong's next step (or for its handler) before it is freed;
         * Kong abandons events, for example when a response ends the request early.
         */
        public Builder<C> eventTimeout(Duration timeout) {
            this.eventTimeout = positive(timeout, "eventTimeout");
            return this;
        }

        /** How long an instance may go without events before it is dropped; Kong restarts it on demand. */
        public Builder<C> instanceIdleTimeout(Duration timeout) {
            this.instanceIdle = positive(timeout, "instanceIdleTimeout");
            return this;
        }

        /** How often expiry runs by itself; null: only when {@link PluginServer#sweep()} is called. */
        public Builder<C> sweepEvery(Duration every) {
            this.sweepEvery = every == null ? null : positive(every, "sweepEvery");
            return this;
        }

        /** The monotonic clock, in nanoseconds, expiry is measured with. */
        public Builder<C> clock(LongSupplier nanoClock) {
            this.clock = requireNonNull(nanoClock, "nanoClock");
            return this;
        }

        public PluginServer<C> build() {
            if (socket == null) {
                throw new IllegalStateException("socket: not set");
            }
            return new PluginServer<>(this);
        }

        private static Duration positive(Duration d, String name) {
            requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
            }
            return d;
        }
    }
}
