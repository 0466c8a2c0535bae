package dev.fairway.apisix;

import static java.util.Objects.requireNonNull;

import dev.fairway.Fairway;
import dev.fairway.apisix.protocol.Frame;
import dev.fairway.apisix.protocol.FrameChannel;
import dev.fairway.config.ConfigLoader;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The APISIX ext-plugin runner: listens on the Unix socket APISIX names and answers its calls from
 * the core. One virtual thread per connection; APISIX keeps up to 32 idle connections per worker and
 * uses each for one exchange of frames at a time.
 *
 * <pre>{@code
 * try (ApisixRunner runner = ApisixRunner.builder(fairway).socket(path).start()) {
 *     ...
 * }
 * }</pre>
 */
public final class ApisixRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApisixRunner.class);
    private static final long HAND_OVER_POLL_MILLIS = 20;
    /** Nginx redeems a ticket within milliseconds of the Rewrite; this only bounds a lost one. */
    private static final Duration TICKET_WAIT = Duration.ofSeconds(2);
    static final Set<PosixFilePermission> SOCKET_PERMISSIONS = PosixFilePermissions.fromString("rwxrw-rw-");

    private final Fairway fairway;
    private final Path socket;
    private final Object socketKey;
    private final ServerSocketChannel server;
    private final RpcHandler handler;
    private final Set<SocketChannel> connections = ConcurrentHashMap.newKeySet();
    private final Set<SocketChannel> busy = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;
    private volatile boolean handingOver;

    private ApisixRunner(Fairway fairway, Path socket, Object socketKey, ServerSocketChannel server, RpcHandler handler) {
        this.fairway = fairway;
        this.socket = socket;
        this.socketKey = socketKey;
        this.server = server;
        this.handler = handler;
        this.acceptor = Thread.ofVirtual().name("apisix-runner-accept").unstarted(this::acceptLoop);
    }

    public static Builder builder(Fairway fairway) {
        return new Builder(fairway);
    }

    public Path socket() {
        return socket;
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel connection;
            try {
                connection = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("accepting an APISIX connection failed: {}", e.toString());
                }
                continue;
            }
            connections.add(connection);
            Thread.ofVirtual().name("apisix-conn").start(() -> serve(connection));
        }
    }

    private void serve(SocketChannel connection) {
        try (FrameChannel channel = new FrameChannel(connection)) {
            Frame frame;
            while (!handingOver && (frame = channel.read()) != null) {
                busy.add(connection);
                try {
                    handler.handle(channel, frame);
                } finally {
                    busy.remove(connection);
                }
            }
        } catch (IOException e) {
            // APISIX closes a connection on any error of its own (a body too large to send, a timeout).
            if (!closed) {
                LOG.debug("APISIX connection ended: {}", e.toString());
            }
        } catch (RuntimeException e) {
            LOG.error("APISIX connection failed", e);
        } finally {
            connections.remove(connection);
        }
    }

    /**
     * What tells this runner's socket file from a successor's: the inode alone does not, since the
     * successor deletes ours and its new file may get the same inode number; with the modification
     * time (nanoseconds, set when the file is created) it does.
     */
    private static Object identity(Path socket) throws IOException {
        BasicFileAttributes a = Files.readAttributes(socket, BasicFileAttributes.class);
        return java.util.List.of(a.fileKey(), a.lastModifiedTime());
    }

    /** Whether the socket file is still the one this runner bound (a successor replaces it). */
    boolean ownsSocket() {
        try {
            return socketKey != null && socketKey.equals(identity(socket));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Stops taking calls once another runner serves the socket path (an APISIX reload starts the new
     * runner beside this one; it binds the same path). Until then this one keeps answering, so the
     * start of the new JVM costs no request. Then: no new connections, idle connections closed and
     * busy ones after their exchange (APISIX's pool drops them and connects to the new runner), and
     * once every ticket handed out is redeemed the dispatcher port is released for the new runner;
     * what the dispatcher already serves, streams included, runs on while the core drains. Returns
     * at once; the core's drain waits for the exchanges.
     */
    void handOver(Duration drain) {
        Thread.ofVirtual().name("apisix-runner-handover").start(() -> {
            try {
                while (!closed && ownsSocket()) {
                    Thread.sleep(HAND_OVER_POLL_MILLIS);
                }
                if (closed) {
                    return;
                }
                LOG.info("another runner serves {} now; handing over", socket);
                handingOver = true;
                server.close();
                for (SocketChannel c : connections) {
                    if (!busy.contains(c)) {
                        c.close();
                    }
                }
                long deadline = System.nanoTime() + TICKET_WAIT.toNanos();
                while (fairway.dispatcher().tickets().outstanding() > 0 && System.nanoTime() - deadline < 0) {
                    Thread.sleep(10);
                }
                fairway.releaseDispatcherPort(drain);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                LOG.debug("handing over: {}", e.toString());
            }
        });
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("closing the listener: {}", e.toString());
        }
        for (SocketChannel c : connections) {
            try {
                c.close();
            } catch (IOException e) {
                LOG.debug("closing a connection: {}", e.toString());
            }
        }
        try {
            acceptor.join(Duration.ofSeconds(5));
            // After a reload the path belongs to the new runner: leave its socket alone.
            if (ownsSocket()) {
                Files.deleteIfExists(socket);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.debug("removing {}: {}", socket, e.toString());
        }
    }

    public static final class Builder {
        private final Fairway fairway;
        private Path socket;
        private Duration confTtl = Duration.ofSeconds(3600);
        private Duration decideTimeout = Duration.ofSeconds(50);
        private LongSupplier nanoClock = System::nanoTime;
        private int confCapacity = 4096;
        private ConfigLoader loader = ConfigLoader.standard();

        private Builder(Fairway fairway) {
            this.fairway = requireNonNull(fairway, "fairway");
        }

        /** The Unix socket to listen on; a stale file there is replaced, as the reference runners do. */
        public Builder socket(Path path) {
            this.socket = requireNonNull(path, "path");
            return this;
        }

        /** APISIX's conf cache time ({@code APISIX_CONF_EXPIRE_TIME}); tokens live a little longer. */
        public Builder confTtl(Duration ttl) {
            requireNonNull(ttl, "ttl");
            if (ttl.isNegative() || ttl.isZero()) {
                throw new IllegalArgumentException("confTtl: " + ttl + " (expected: > 0)");
            }
            this.confTtl = ttl;
            return this;
        }

        /**
         * How long a call may wait for the core's decision before it is answered 503; below
         * APISIX's 60 s read timeout so that the client always gets an answer from us.
         */
        public Builder decideTimeout(Duration timeout) {
            requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("decideTimeout: " + timeout + " (expected: > 0)");
            }
            this.decideTimeout = timeout;
            return this;
        }

        /** The clock conf tokens expire by (tests). */
        public Builder nanoClock(LongSupplier clock) {
            this.nanoClock = requireNonNull(clock, "clock");
            return this;
        }

        /** Most conf tokens kept at once; the oldest goes first beyond it. */
        public Builder confCapacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("confCapacity: " + capacity + " (expected: >= 1)");
            }
            this.confCapacity = capacity;
            return this;
        }

        /** Reads the {@code fairway} conf values (tests pass one with a fixed environment). */
        public Builder configLoader(ConfigLoader loader) {
            this.loader = requireNonNull(loader, "loader");
            return this;
        }

        public ApisixRunner start() throws IOException {
            if (socket == null) {
                throw new IllegalStateException("socket: not set");
            }
            if (fairway.dispatcherReady() == null) {
                throw new IllegalStateException("the Fairway instance has no dispatcher endpoint (Fairway.Builder.dispatcherEndpoint(true))");
            }
            RpcHandler handler = new RpcHandler(fairway, new ConfTokens(confTtl, nanoClock, confCapacity), loader, decideTimeout);
            Files.deleteIfExists(socket);
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            Object key;
            try {
                server.bind(UnixDomainSocketAddress.of(socket));

                // APISIX spawns the runner as the master's user, and under a root master the workers
                // run as nobody: they must be able to connect (write) too. 0766, as apisix-go-plugin-runner
                // sets it; the socket's directory (APISIX's conf/) is what guards it.
                Files.setPosixFilePermissions(socket, SOCKET_PERMISSIONS);
                key = identity(socket);
            } catch (IOException | RuntimeException e) {
                server.close();
                throw e;
            }
            ApisixRunner runner = new ApisixRunner(fairway, socket, key, server, handler);
            runner.acceptor.start();
            LOG.info("APISIX runner listening on unix:{}, dispatcher on 127.0.0.1:{}", socket,
                    fairway.dispatcherPort() < 0 ? "(waiting for the runner being replaced)" : fairway.dispatcherPort());
            return runner;
        }
    }
}
