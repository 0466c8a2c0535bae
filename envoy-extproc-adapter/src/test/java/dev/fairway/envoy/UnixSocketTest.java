package dev.fairway.envoy;

import static dev.fairway.envoy.Http.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fairway.Fairway;
import dev.fairway.config.ConfigLoader;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Envoy beside the service reaches it over a Unix domain socket (EnvoyGrpc with a pipe address). */
class UnixSocketTest {
    @Test
    void servesOverAUnixSocket(@TempDir Path dir) throws Exception {
        assumeTrue(Epoll.isAvailable(), "netty epoll is not available on this platform");
        Path socket = dir.resolve("extproc.sock");
        ExtProcConfig config = ExtProcConfig.parse("routes: [{name: ai, prefix: /ai}]", ConfigLoader.withEnv(Map.of()));
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try (Fairway fw = Fairway.builder(config.gateway()).dispatcherEndpoint(true).start();
             ExtProcServer server = ExtProcServer.builder(fw, config).socket(socket).start();
             EnvoySide envoy = EnvoySide.over(NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                     .channelType(EpollDomainSocketChannel.class).eventLoopGroup(loop).usePlaintext().build())) {
            assertThat(server.port()).isEqualTo(-1);
            EnvoySide.Stream s = envoy.open("ai");
            s.requestHeaders(request("GET", "/ai/nosuch/v1/models"), true);
            assertThat(s.reply().getImmediateResponse().getStatus().getCodeValue()).isEqualTo(404);
        } finally {
            loop.shutdownGracefully().sync();
        }
        assertThat(Files.exists(socket)).as("socket removed on close").isFalse();
    }
}
