package dev.fairway.cli;

import dev.fairway.ConfigReloader;
import dev.fairway.Fairway;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.GatewayConfig;
import dev.fairway.mock.MockOptions;
import dev.fairway.mock.MockProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the standalone gateway: /<provider>/... and Cloudflare's /v1/{account}/{gateway}/<provider>/... on one port.",
            "%nWithout --config it starts with embedded defaults: one route at /, and clients' own provider keys pass through. "
                    + "With --demo it also starts the mock provider in-process and points every provider at it, "
                    + "so requests get real answers without any API key.%n"
        })
final class ServeCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, description = "Configuration file (YAML or JSON). Default: embedded defaults.")
    Path config;

    @Option(names = "--host", description = "Override server.host (default 127.0.0.1).")
    String host;

    @Option(names = {"-p", "--port"}, description = "Override server.port (default 8787).")
    Integer port;

    @Option(names = "--admin-port", description = "Override server.admin_port (default 8788; 0 turns the admin listener off).")
    Integer adminPort;

    @Option(names = "--demo", description = "Start the mock provider in-process and route every provider to it.")
    boolean demo;

    @Override
    public Integer call() throws Exception {
        String text = config == null ? "{}" : Files.readString(config);
        MockProvider mock = demo ? MockProvider.start(MockOptions.defaults()) : null;
        Path demoState = demo ? DemoState.create() : null;
        Fairway fairway;
        try {
            GatewayConfig cfg = ConfigLoader.standard().parse(
                    ConfigOverlay.apply(text, host, port, adminPort, mock == null ? null : mock.baseUrl(), demoState));
            Fairway.Builder builder = Fairway.builder(cfg).standalone(true);
            if (mock != null) {
                builder.closeAfter(mock); // demo answers come from it until the last stream has drained
                builder.closeAfter(() -> DemoState.delete(demoState));
            }
            fairway = builder.start();
        } catch (RuntimeException e) {
            if (mock != null) {
                mock.close();
                DemoState.delete(demoState);
            }
            throw e;
        }
        GatewayConfig cfg = fairway.config();
        String base = "http://" + cfg.server().host() + ":" + fairway.port();
        System.out.println("fairway gateway listening on " + base);
        if (fairway.adminPort() > 0) {
            System.out.println("admin: metrics, analytics and the dashboard at http://" + cfg.server().adminHost() + ":"
                    + fairway.adminPort() + "/dashboard");
        }
        if (mock != null) {
            System.out.println("demo: every provider answers from the mock provider at " + mock.baseUrl() + "; try:");
            System.out.println("  curl " + base + "/openai/v1/chat/completions -H 'content-type: application/json' \\");
            System.out.println("    -d '{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello Fairway\"}]}'");
        }
        if (config != null) {
            // SIGHUP or a changed file (or a ${file:} secret it names): validated first, then live for new requests.
            String mockBase = mock == null ? null : mock.baseUrl();
            ConfigReloader.watch(fairway, config, t -> ConfigLoader.standard().parse(
                    ConfigOverlay.apply(t, host, port, adminPort, mockBase, demoState)));
            System.out.println("reloads " + config + " on SIGHUP and when it changes");
        }
        System.out.flush();
        // SIGTERM/SIGINT: stop accepting, let open requests and streams finish (server.drain_seconds), exit 0.
        fairway.drainOnTermination(() -> {});
        new CountDownLatch(1).await();
        return 0;
    }
}
