package dev.fairway.apisix;

import dev.fairway.ConfigReloader;
import dev.fairway.Fairway;
import dev.fairway.config.ConfigException;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.GatewayConfig;
import java.io.IOException;
import java.io.PrintWriter;
import dev.fairway.lifecycle.Signals;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fairway apisix-runner}: what APISIX's {@code ext-plugin.cmd} starts. */
@Command(name = "apisix-runner", mixinStandardHelpOptions = true,
        description = {
            "Runs Fairway as an Apache APISIX ext-plugin runner.",
            "",
            "APISIX starts it through ext-plugin.cmd in its config.yaml and passes APISIX_LISTEN_ADDRESS "
                    + "(unix:/path/to/socket) and APISIX_CONF_EXPIRE_TIME (seconds) in the environment. "
                    + "Routes attach ext-plugin-pre-req (or ext-plugin-post-req, to see the consumer) with "
                    + "conf name \"fairway\" and the route settings as a JSON string, and send their upstream to "
                    + "the Fairway dispatcher on 127.0.0.1:<dispatch.loopback_port>.",
            "",
            "The runner stops on SIGTERM, when its parent process exits or when stdin (a pipe from APISIX) closes: "
                    + "it answers until a new runner takes its socket over, lets open requests and streams finish "
                    + "(server.drain_seconds), then exits 0."
        })
public final class ApisixRunnerCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "<yaml>",
            description = "Process configuration (YAML or JSON): providers, credentials, dispatch.loopback_port. Defaults apply when left out.")
    Path config;

    @Spec
    CommandSpec spec;

    private final Map<String, String> env;
    private final boolean watchParent;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CompletableFuture<ApisixRunner> started = new CompletableFuture<>();

    public ApisixRunnerCommand() {
        this(System.getenv(), true);
    }

    /** For tests: a given environment, and no watch on the parent and stdin (the test JVM's belong to the build). */
    ApisixRunnerCommand(Map<String, String> env, boolean watchParent) {
        this.env = Map.copyOf(env);
        this.watchParent = watchParent;
    }

    /** Completes with the listening runner (tests wait on it before connecting). */
    CompletableFuture<ApisixRunner> started() {
        return started;
    }

    /** Stops the running command as SIGTERM would. */
    void stop() {
        stop.countDown();
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        RunnerEnvironment environment;
        GatewayConfig gatewayConfig;
        try {
            environment = RunnerEnvironment.from(env);
            gatewayConfig = config == null ? ConfigLoader.defaults() : ConfigLoader.withEnv(env).load(config);
        } catch (IllegalArgumentException e) {
            err.println("apisix-runner: " + e.getMessage());
            started.completeExceptionally(e);
            return 2;
        } catch (ConfigException e) {
            err.println("apisix-runner: " + config + ":");
            e.problems().forEach(p -> err.println("  " + p));
            started.completeExceptionally(e);
            return 2;
        }
        Fairway fairway;
        try {
            // handOver: after an APISIX reload the old runner still holds ports and the spool for a moment.
            fairway = Fairway.builder(gatewayConfig).dispatcherEndpoint(true).admin(true).handOver(true).start();
        } catch (RuntimeException e) {
            started.completeExceptionally(e);
            throw e;
        }
        ApisixRunner runner;
        try {
            runner = ApisixRunner.builder(fairway)
                    .socket(environment.socket())
                    .confTtl(environment.confTtl())
                    .configLoader(ConfigLoader.withEnv(env))
                    .start();
        } catch (IOException | RuntimeException e) {
            fairway.close();
            started.completeExceptionally(e);
            throw e;
        }
        if (config != null) {
            // A changed file (or SIGHUP): provider keys and settings reload for new calls (routes come from APISIX).
            ConfigReloader.watch(fairway, config, text -> ConfigLoader.withEnv(env).parse(text));
        }
        Duration drain = Duration.ofSeconds(gatewayConfig.server().drainSeconds());
        CountDownLatch stopped = new CountDownLatch(1);
        // Any other orderly exit (or a platform without SIGTERM handling): hold the JVM for the drain.
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                stopped.await(drain.toSeconds() + 5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "apisix-runner-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            if (watchParent) {
                // APISIX sends SIGTERM on every reload and stop: drain, then exit 0.
                Signals.on("TERM", stop::countDown);
                Signals.on("INT", stop::countDown);
                ParentWatch.start(stop::countDown);
            }
            started.complete(runner);
            stop.await();
            // Answer until a new runner takes the socket over, let open requests and streams finish
            // (server.drain_seconds), flush the log spool; then the socket goes if it is still ours.
            fairway.shutdownGracefully(() -> runner.handOver(drain));
        } finally {
            runner.close();
            fairway.close();
            stopped.countDown();
            removeHook(hook);
        }
        return 0;
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down: the hook is what brought us here.
        }
    }
}
