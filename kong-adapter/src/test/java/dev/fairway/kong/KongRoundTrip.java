package dev.fairway.kong;

import dev.fairway.Fairway;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.RouteConfig;
import dev.fairway.dispatch.TicketBook;
import dev.fairway.kong.pdk.KongDriver;
import dev.fairway.kong.pdk.KongDriver.PluginConf;
import dev.fairway.kong.pdk.KongRequest;
import dev.fairway.kong.pdk.PluginServer;
import dev.fairway.pipeline.Completion;
import dev.fairway.pipeline.Exchange;
import dev.fairway.testing.Allocation;
import dev.fairway.testing.ContextSwitches;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Measures what one request costs on the Kong side of the protocol: a whole access phase (every
 * PDK round trip, the core's decision, the exit or the forward set-up) over a real Unix socket, as
 * Kong's driver plays it. Beside the wall-clock percentiles (which follow the machine's load), the
 * load-independent part: PDK calls per request, and CPU time and bytes allocated per request by
 * the plugin server and the core (the whole process but the driver playing Kong, on the main thread),
 * and the times its threads went to sleep per request ({@link ContextSwitches}: each thread hand-off
 * is one). A program, not a test: run it by hand and
 * read the numbers; nothing asserts on them.
 *
 * <pre>
 * java -cp &lt;test classpath&gt; dev.fairway.kong.KongRoundTrip [requests]
 * </pre>
 */
public final class KongRoundTrip {
    private static final com.sun.management.OperatingSystemMXBean PROCESS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private KongRoundTrip() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        Path dir = Files.createTempDirectory("kong-round-trip");
        try (Fairway fairway = Fairway.builder(FairwayKongPluginTest.config(dir.resolve("spool")))
                        .dispatcherEndpoint(true).stage(new FairwayKongPluginTest.TestCacheStage()).start();
             PluginServer<RouteConfig> server = PluginServer.builder(FairwayKongPlugin.builder(fairway)
                             .loader(ConfigLoader.withEnv(Map.of())).build())
                     .socket(dir.resolve("fairway.socket")).build().start();
             KongDriver kong = new KongDriver(server.socket(), "fairway")) {
            PluginConf conf = new PluginConf("p", 1, Map.of("providers", Map.of("openai", Map.of("base_url", "http://127.0.0.1:9/v1"))));
            for (String kind : new String[] {"answer (cache hit)", "forward set-up"}) {
                boolean hit = kind.startsWith("answer");
                run(fairway, kong, conf, hit, n / 4, null);
                int[] calls = new int[1];
                // The driver playing Kong runs on this thread: its share is taken out.
                long cpu = PROCESS.getProcessCpuTime() - THREADS.getCurrentThreadCpuTime();
                long bytes = Allocation.allThreads() - THREADS.getCurrentThreadAllocatedBytes();
                long switches = ContextSwitches.allThreads() - ContextSwitches.currentThread();
                long roundTrips = kong.rpcCalls.get();
                long unasked = kong.droppedBytes.get() + kong.staleClosed.get();
                long[] nanos = run(fairway, kong, conf, hit, n, calls);
                report(kind, nanos, calls[0], (kong.rpcCalls.get() - roundTrips) / (double) n,
                        kong.droppedBytes.get() + kong.staleClosed.get() - unasked,
                        (PROCESS.getProcessCpuTime() - THREADS.getCurrentThreadCpuTime() - cpu) / 1000.0 / n,
                        (Allocation.allThreads() - THREADS.getCurrentThreadAllocatedBytes() - bytes) / (double) n,
                        (ContextSwitches.allThreads() - ContextSwitches.currentThread() - switches) / (double) n);
            }
        }
    }

    private static long[] run(Fairway fairway, KongDriver kong, PluginConf conf, boolean hit, int n, int[] calls) throws Exception {
        long[] nanos = new long[n];
        byte[] body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}".getBytes();
        for (int i = 0; i < n; i++) {
            KongRequest req = KongRequest.post("/openai/v1/chat/completions").header("content-type", "application/json");
            req.body = body;
            req.header("content-length", String.valueOf(body.length));
            if (hit) {
                req.header("x-test-cache", "hit");
            }
            long start = System.nanoTime();
            kong.handle(conf, "access", req);
            nanos[i] = System.nanoTime() - start;
            settle(fairway, req);
            if (calls != null) {
                calls[0] = req.calls.size();
            }
        }
        return nanos;
    }

    /**
     * After a forward set-up, untimed: Kong would now send the request to the dispatcher, which
     * redeems its ticket at once; here the ticket is redeemed and the exchange ends as one whose
     * client left. Left outstanding, every forward's exchange stayed held until the ticket's expiry
     * and the program measured a process holding ever more exchanges, not the round trip (the
     * forward's p50 was 210 to 225 us over 8,000 requests and 390 to 590 us over 20,000).
     */
    private static void settle(Fairway fairway, KongRequest req) {
        String ticket = req.upstreamHeaders.get(TicketBook.HEADER);
        Exchange exchange = ticket == null ? null : fairway.dispatcher().tickets().redeem(ticket);
        if (exchange != null) {
            exchange.complete(Completion.clientClosed(exchange.elapsedNanos()));
        }
    }

    /**
     * {@code round trips}: RPC requests the driver sent per request (the HandleEvent and one Step per
     * PDK call but a delayed-response exit). {@code unasked}: bytes or sockets of messages the server
     * sent that Kong never asked for, which Kong drops without running them; anything but 0 means
     * the figures are not what Kong would see.
     */
    private static void report(String kind, long[] nanos, int calls, double roundTrips, long unasked, double cpuMicros,
            double bytes, double sleeps) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(nanos).average().orElse(0) / 1000.0;
        System.out.printf("%-20s n=%d  mean %.1f us  p50 %.1f us  p99 %.1f us  p99.9 %.1f us  pdk calls %d  round trips %.1f/req  unasked %d  server cpu %.1f us/req  server alloc %.0f B/req  server thread sleeps %.1f/req  load %s%n",
                kind, nanos.length, mean, sorted[sorted.length / 2] / 1000.0, sorted[(int) (sorted.length * 0.99)] / 1000.0,
                sorted[(int) (sorted.length * 0.999)] / 1000.0, calls, roundTrips, unasked, cpuMicros, bytes, sleeps, loadAverage());
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
