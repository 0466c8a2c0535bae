package dev.fairway.kong;

import dev.fairway.ConfigReloader;
import dev.fairway.Fairway;
import dev.fairway.config.ConfigException;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.GatewayConfig;
import dev.fairway.config.RouteConfig;
import dev.fairway.kong.pdk.PluginServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running plugin server process: the core with its dispatcher endpoint, and the socket Kong talks to. */
final class KongServerProcess {
    private static final Logger LOG = LoggerFactory.getLogger(KongServerProcess.class);

    private KongServerProcess() {}

    static int run(Path socket, Path configFile, int eventTimeoutSeconds, int instanceIdleSeconds) throws InterruptedException {
        GatewayConfig config;
        try {
            config = configFile == null ? ConfigLoader.defaults() : ConfigLoader.standard().load(configFile);
        } catch (ConfigException e) {
            System.err.println("fairway kong-pluginserver: " + (configFile == null ? "" : configFile + ": ") + "invalid configuration");
            e.problems().forEach(p -> System.err.println("  " + p));
            return 2;
        }
        Fairway fairway;
        try {
            fairway = Fairway.builder(config).dispatcherEndpoint(true).admin(true).start();
        } catch (RuntimeException e) {
            System.err.println("fairway kong-pluginserver: cannot start the gateway core: " + e.getMessage());
            return 1;
        }
        PluginServer<RouteConfig> server;
        try {
            server = PluginServer.builder(FairwayKongPlugin.builder(fairway).build())
                    .socket(socket)
                    .eventTimeout(Duration.ofSeconds(eventTimeoutSeconds))
                    .instanceIdleTimeout(Duration.ofSeconds(instanceIdleSeconds))
                    .build()
                    .start();
        } catch (IOException | RuntimeException e) {
            fairway.close();
            System.err.println("fairway kong-pluginserver: cannot listen on " + socket + ": " + e.getMessage());
            return 1;
        }
        if (configFile != null) {
            // SIGHUP or a changed file: provider keys and settings reload for new events (routes come from Kong).
            ConfigReloader.watch(fairway, configFile, text -> ConfigLoader.standard().parse(text));
        }
        // SIGTERM (Kong stopping or reloading): take no new events, let open ones and the streams
        // they started run to their end for up to server.drain_seconds, then exit.
        Duration drain = Duration.ofSeconds(config.server().drainSeconds());
        fairway.drainOnTermination(() -> {
            try {
                server.stopIntake(drain);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        watchParent();
        LOG.info("fairway plugin server ready on {}; dispatcher on 127.0.0.1:{}", socket, fairway.dispatcherPort());
        // The process ends through the drain above (it exits), or with its parent.
        new CountDownLatch(1).await();
        return 0;
    }

    /**
     * Kong starts the server as its child and sends SIGTERM on a clean stop; when Kong is killed
     * instead, nothing else would end us, so exit with the parent. A parent that is init (pid 1) or
     * absent means an external process manager owns us: nothing to watch.
     */
    private static void watchParent() {
        ProcessHandle.current().parent()
                .filter(p -> p.pid() > 1)
                .ifPresent(parent -> parent.onExit().thenRun(() -> {
                    LOG.info("parent process {} exited; stopping", parent.pid());
                    System.exit(0);
                }));
    }
}
