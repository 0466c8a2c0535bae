package dev.fairway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fairway.config.ConfigLoader;
import dev.fairway.config.GatewayConfig;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start that fails after its stages opened (here: the gateway's port is taken) releases what
 * they hold (the spool's lock, the log store, the cache files), so the same process can start
 * again once the cause is gone, as an embedding application or a supervisor retrying in-process does.
 */
class FailedStartTest {
    @Test
    void aStartThatCannotListenReleasesTheSpoolForTheNextStart(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = taken.getLocalPort();
            GatewayConfig config = config(dir, port);
            assertThatThrownBy(() -> Fairway.builder(config).standalone(true).start())
                    .hasMessageContaining("cannot listen on 127.0.0.1:" + port);
        }
        try (Fairway again = Fairway.builder(config(dir, port)).standalone(true).start()) {
            assertThat(again.gateway().stages()).isNotEmpty();
        }
    }

    private static GatewayConfig config(Path dir, int port) {
        return ConfigLoader.withEnv(Map.of()).parse("""
                server: {host: 127.0.0.1, port: %d, admin_port: 0}
                logs: {spool_dir: '%s'}
                routes: [{name: chat, cache: {enabled: true}}]
                """.formatted(port, dir.resolve("spool")));
    }
}
