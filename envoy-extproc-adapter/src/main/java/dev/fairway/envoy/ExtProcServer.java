package dev.fairway.envoy;

import static java.util.Objects.requireNonNull;

import dev.fairway.Fairway;
import dev.fairway.config.RouteConfig;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ext_proc gRPC server in front of a running {@link Fairway}: on a TCP port, or on a Unix
 * domain socket when Envoy runs beside it (netty epoll; Linux only).
 *
 * <pre>{@code
 * try (Fairway fw = Fairway.builder(config.gateway()).dispatcherEndpoint(true).start();
 *      ExtProcServer server = ExtProcServer.builder(fw, config).port(9001).start()) { ... }
 * }</pre>
 */
public final class ExtProcServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExtProcServer.class);
    /** Room for the headers and framing of a BUFFERED body message beside the body itself. */
    static final int MESSAGE_OVERHEAD = 1024 * 1024;

    private final Server server;
    private final ScheduledExecutorService timer;
    private final EventLoopGroup eventLoops;
    private final Path socket;
    private final ExtProcService service;

    private ExtProcServer(Server server, ExtProcService service, ScheduledExecutorService timer, EventLoopGroup eventLoops, Path socket) {
        this.server = server;
        this.service = service;
        this.timer = timer;
        this.eventLoops = eventLoops;
        this.socket = socket;
    }

    public static Builder builder(Fairway fairway, ExtProcConfig config) {
        return new Builder(fairway, config);
    }

    /** The bound TCP port, or -1 on a Unix socket. */
    public int port() {
        return socket == null ? server.getPort() : -1;
    }

    /**
     * The largest gRPC message accepted: the largest body any route accepts plus room for headers,
     * so a BUFFERED body the core would take is never refused by gRPC's 4 MiB default first.
     */
    static int maxInboundMessageSize(ExtProcConfig config) {
        long largest = config.gateway().routes().stream().mapToLong(RouteConfig::maxBodyBytes).max().orElse(RouteConfig.DEFAULT_MAX_BODY);
        return (int) Math.min(Integer.MAX_VALUE, largest + MESSAGE_OVERHEAD);
    }

    /**
     * Stops taking new ext_proc streams while open ones run on: the first step of a graceful stop
     * ({@code Fairway#shutdownGracefully(Runnable)}). The listener closes, so Envoy's new calls fail
     * and it applies its failure mode (500 unless failure_mode_allow); streams already open, and
     * the exchanges they decided, finish.
     */
    public void stopIntake() {
        service.stopIntake();
        server.shutdown();
    }

    /** Whether new streams are still taken. */
    public boolean takingStreams() {
        return !server.isShutdown();
    }

    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
        timer.shutdownNow();
        if (eventLoops != null) {
            eventLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        removeSocket();
    }

    /** Removes the Unix socket file, if any; its listener is closed by then (or about to be). */
    void removeSocket() {
        if (socket != null) {
            try {
                Files.deleteIfExists(socket);
            } catch (IOException e) {
                LOG.warn("cannot remove socket {}: {}", socket, e.toString());
            }
        }
    }

    public static final class Builder {
        private final Fairway fairway;
        private final ExtProcConfig config;
        private String host = "127.0.0.1";
        private int port;
        private Path socket;
        private int warmUpStreams;

        private Builder(Fairway fairway, ExtProcConfig config) {
            this.fairway = requireNonNull(fairway, "fairway");
            this.config = requireNonNull(config, "config");
        }

        /** Address to bind the TCP port to. */
        public Builder host(String host) {
            this.host = requireNonNull(host, "host");
            return this;
        }

        /** TCP port; 0 picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
            }
            this.port = port;
            return this;
        }

        /** Listen on this Unix domain socket instead of TCP. */
        public Builder socket(Path socket) {
            this.socket = requireNonNull(socket, "socket");
            return this;
        }

        /**
         * Before the port opens, run this many synthetic streams through the decision path
         * ({@link WarmUp}), so the first real request is answered within Envoy's message_timeout;
         * 0 (the default here) skips it.
         */
        public Builder warmUp(int streams) {
            if (streams < 0) {
                throw new IllegalArgumentException("streams: " + streams + " (expected: >= 0)");
            }
            this.warmUpStreams = streams;
            return this;
        }

        public ExtProcServer start() {
            ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "fairway-extproc-deadlines");
                t.setDaemon(true);
                return t;
            });
            if (warmUpStreams > 0) {
                WarmUp.run(fairway, config, timer, warmUpStreams);
            }
            Processor processor = new Processor(fairway.gateway(), fairway.dispatcher(), config, timer);
            ExtProcService service = new ExtProcService(processor);
            EventLoopGroup loops = null;
            NettyServerBuilder nb;
            if (socket != null) {
                if (!Epoll.isAvailable()) {
                    timer.shutdownNow();
                    throw new IllegalStateException("--socket needs netty's epoll transport, unavailable here ("
                            + Epoll.unavailabilityCause() + "); use --port");
                }
                loops = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
                nb = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                        .channelType(EpollServerDomainSocketChannel.class)
                        .bossEventLoopGroup(loops)
                        .workerEventLoopGroup(loops);
            } else {
                nb = NettyServerBuilder.forAddress(new InetSocketAddress(host, port));
            }
            // Messages are handled on the transport's event loop, as the standalone server handles HTTP on
            // Vert.x's: nothing in a stream's handling blocks (decisions complete futures), and gRPC's
            // default executor would add two thread hand-offs to every message of every request.
            Server server = nb.directExecutor()
                    .maxInboundMessageSize(maxInboundMessageSize(config))
                    .addService(ServerInterceptors.intercept(service, service.routeMetadata()))
                    .build();
            try {
                server.start();
            } catch (IOException e) {
                timer.shutdownNow();
                if (loops != null) {
                    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
                }
                throw new UncheckedIOException("cannot listen on " + (socket != null ? socket : host + ":" + port), e);
            }
            LOG.info("ext_proc listening on {}", socket != null ? "unix:" + socket : host + ":" + server.getPort());
            return new ExtProcServer(server, service, timer, loops, socket);
        }
    }
}
