package dev.fairway.kong;

import dev.fairway.kong.pdk.PluginInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fairway kong-pluginserver}: the external plugin server Kong starts ({@code
 * pluginserver_fairway_start_cmd}) and queries ({@code pluginserver_fairway_query_cmd}).
 */
@Command(name = "kong-pluginserver", mixinStandardHelpOptions = true,
        description = {
            "Serves the fairway plugin to Kong as an external plugin server (MessagePack-RPC on a Unix socket).",
            "Kong runs it with -dump at start to learn the plugin's schema, then starts it and connects to the socket.",
            "Forwarded requests go to a loopback dispatcher endpoint in this process (dispatch.loopback_port).",
            "On SIGTERM (Kong stopping or reloading) it frees the socket path, takes no new events, lets open requests and",
            "streams finish for up to server.drain_seconds (default 30), then exits 0; it also stops when its parent (Kong) exits."
        })
public final class KongPluginServerCommand implements Callable<Integer> {

    @Option(names = {"-dump", "--dump"},
            description = "Print the plugin's name, version, priority, phases and configuration schema as JSON (Kong's query command), and exit.")
    boolean dump;

    @Option(names = "--socket", paramLabel = "<path>",
            description = "Unix socket Kong connects to; must match pluginserver_fairway_socket. "
                    + "Default: $KONG_PREFIX/fairway.socket, else /usr/local/kong/fairway.socket (Kong's default for that setting).")
    Path socket;

    @Option(names = "--config", paramLabel = "<yaml>",
            description = "Process configuration (providers, custom providers, dispatch settings); per-route settings come from Kong's plugin configuration.")
    Path config;

    @Option(names = "--event-timeout-seconds", paramLabel = "<s>", defaultValue = "60",
            description = "Seconds an event may wait for Kong's next step before it is freed (default: ${DEFAULT-VALUE}).")
    int eventTimeoutSeconds;

    @Option(names = "--instance-idle-seconds", paramLabel = "<s>", defaultValue = "600",
            description = "Seconds a plugin instance may go unused before it is dropped; Kong restarts it on demand (default: ${DEFAULT-VALUE}).")
    int instanceIdleSeconds;

    @Override
    public Integer call() throws Exception {
        if (dump) {
            // Kong reads this with a blocking popen while it starts: only the config model is loaded.
            System.out.println(dumpJson());
            return 0;
        }
        if (eventTimeoutSeconds <= 0 || instanceIdleSeconds <= 0) {
            System.err.println("--event-timeout-seconds and --instance-idle-seconds: expected > 0");
            return 2;
        }
        return KongServerProcess.run(socket == null ? defaultSocket() : socket, config, eventTimeoutSeconds, instanceIdleSeconds);
    }

    static String dumpJson() {
        return JsonText.write(PluginInfo.dump(List.of(FairwayPluginInfo.create())));
    }

    static Path defaultSocket() {
        String prefix = System.getenv("KONG_PREFIX");
        return Path.of(prefix == null || prefix.isBlank() ? "/usr/local/kong" : prefix, FairwayPluginInfo.NAME + ".socket");
    }
}
