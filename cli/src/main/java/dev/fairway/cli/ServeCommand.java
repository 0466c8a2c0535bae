package dev.fairway.cli;

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

    @Option(names = "--demo", description = "Start the mock provider in-process and route every provider to it.")
    boolean demo;

    @Override
    public Integer call() throws Exception {
        String text = config == null ? "{}" : Files.readString(config);
        MockProvider mock = demo ? MockProvider.start(MockOptions.defaults()) : null;
        GatewayConfig cfg = ConfigLoader.standard().parse(ConfigOverlay.apply(text, host, port, mock == null ? null : mock.baseUrl()));
        Fairway.Builder builder = Fairway.builder(cfg).standalone(true);
        if (mock != null) {
            builder.closeAfter(mock); // demo answers come from it until the last stream has drained
        }
        Fairway fairway = builder.start();
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
        // SIGTERM/SIGINT: stop accepting, let open requests and streams finish (server.drain_seconds), exit 0.
        fairway.drainOnTermination(() -> {});
        new CountDownLatch(1).await();
        return 0;
    }
}
