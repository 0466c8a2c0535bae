package dev.fairway.envoy;

import dev.fairway.ConfigReloader;
import dev.fairway.Fairway;
import dev.fairway.config.ConfigException;
import dev.fairway.config.ConfigLoader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fairway envoy-extproc}: the ext_proc service Envoy's {@code ext_proc} HTTP filter calls. */
@Command(name = "envoy-extproc", mixinStandardHelpOptions = true,
        description = {
            "Runs the Envoy ext_proc gRPC service (envoy.service.ext_proc.v3.ExternalProcessor) that makes Envoy an AI gateway.",
            "Envoy names the Fairway route of each request in gRPC initial metadata (ExtProcPerRoute "
                + "grpc_initial_metadata, key x-fairway-route by default); --config maps route names to their settings "
                + "(routes:) and to how Envoy forwards them (envoy:). Runs until SIGTERM."})
public final class EnvoyExtProcCommand implements Callable<Integer> {
    @Option(names = "--port", description = "TCP port of the gRPC service (default: ${DEFAULT-VALUE}).", defaultValue = "9001")
    int port;

    @Option(names = "--host", description = "Address the TCP port binds to (default: ${DEFAULT-VALUE}).", defaultValue = "127.0.0.1")
    String host;

    @Option(names = "--socket", paramLabel = "PATH", description = "Listen on this Unix domain socket instead of TCP (Linux).")
    Path socket;

    @Option(names = "--config", paramLabel = "FILE", description = "Process config (YAML): routes, providers, dispatch and the envoy: section. Embedded defaults when left out.")
    Path config;

    @Option(names = "--warm-up", paramLabel = "STREAMS", defaultValue = "400",
            description = "Synthetic ext_proc streams run through the decision path before the port opens, so the first request "
                    + "answers within Envoy's message_timeout; nothing is logged, charged or sent upstream; 0 skips (default: ${DEFAULT-VALUE}).")
    int warmUp;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        java.io.PrintWriter err = spec.commandLine().getErr();
        ExtProcConfig cfg;
        try {
            cfg = config == null ? ExtProcConfig.defaults() : ExtProcConfig.load(config, ConfigLoader.standard());
        } catch (ConfigException e) {
            err.println("fairway envoy-extproc: invalid config" + (config == null ? "" : " " + config) + ":");
            e.problems().forEach(p -> err.println("  " + p));
            err.flush();
            return 2;
        }
        Fairway fw = Fairway.builder(cfg.gateway()).dispatcherEndpoint(true).admin(true).start();
        ExtProcServer server;
        try {
            server = listen(ExtProcServer.builder(fw, cfg)).warmUp(warmUp).start();
        } catch (RuntimeException e) {
            fw.close();
            throw e;
        }
        if (config != null) {
            // SIGHUP or a changed file: routes, providers and keys reload for new streams; the envoy: section and
            // listeners take effect at the next restart.
            ConfigReloader.watch(fw, config, text -> ExtProcConfig.parse(text, ConfigLoader.standard()).gateway());
        }
        err.printf("fairway envoy-extproc: serving on %s; dispatcher on 127.0.0.1:%d%n",
                socket != null ? "unix:" + socket : host + ":" + server.port(), fw.dispatcherPort());
        err.flush();
        // SIGTERM/SIGINT: new streams are refused, open ones and the exchanges they decided (streams
        // through the dispatcher included) run to their end for up to server.drain_seconds; then the
        // log spool is flushed, everything closes and the process exits 0.
        fw.drainOnTermination(() -> {
            server.stopIntake();
            server.removeSocket();
        });
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private ExtProcServer.Builder listen(ExtProcServer.Builder b) {
        return socket != null ? b.socket(socket) : b.host(host).port(port);
    }
}
