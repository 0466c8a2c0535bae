package dev.fairway.apisix;

import dev.fairway.Fairway;
import dev.fairway.apisix.ApisixDriver.Outcome;
import dev.fairway.apisix.ApisixDriver.PluginConf;
import dev.fairway.apisix.ApisixDriver.Request;
import dev.fairway.config.ConfigLoader;
import dev.fairway.dispatch.TicketBook;
import dev.fairway.pipeline.Completion;
import dev.fairway.pipeline.Exchange;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Time per request over the Unix socket, as APISIX sees it (one keepalive connection, calls in
 * sequence): a hit answered by a stage, a refusal (bad cf-aig header) and a forward (the Rewrite with
 * its ticket; the proxying that follows is not counted). A program, not a test:
 *
 * <pre>
 * ./mvnw -B -q -o -pl apisix-adapter -am test-compile
 * ./mvnw -B -q -o -pl apisix-adapter dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * java -cp apisix-adapter/target/test-classes:apisix-adapter/target/classes:$(cat /tmp/cp.txt) dev.fairway.apisix.RunnerRoundTrip 20000
 * </pre>
 */
public final class RunnerRoundTrip {
    private RunnerRoundTrip() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        Path dir = Files.createTempDirectory("fairway-rt");
        try (Fairway fairway = Fairway.builder(ConfigLoader.defaults()).dispatcherEndpoint(true).stage(new ProbeStage()).start();
             ApisixRunner runner = ApisixRunner.builder(fairway).socket(dir.resolve("rt.sock")).start();
             ApisixDriver apisix = new ApisixDriver(runner.socket(), System::nanoTime)) {
            PluginConf conf = PluginConf.fairway("1", "{\"name\":\"bench\"}");
            byte[] body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}".getBytes(StandardCharsets.UTF_8);
            Supplier<Request> hit = () -> Request.of("POST", "/openai/v1/chat/completions", body, "x-probe-hit", "1");
            Supplier<Request> refusal = () -> Request.of("POST", "/openai/v1/chat/completions", body, "cf-aig-authorization", "Basic x");
            Supplier<Request> forward = () -> Request.of("POST", "/openai/v1/chat/completions", body);
            System.out.printf("%-8s %10s %10s %10s %12s%n", "kind", "p50 us", "p90 us", "p99 us", "req/s");
            for (int round = 0; round < 2; round++) {
                boolean report = round == 1;   // the first round warms the JIT up
                run("hit", fairway, apisix, conf, hit, n, report);
                run("refusal", fairway, apisix, conf, refusal, n, report);
                run("forward", fairway, apisix, conf, forward, n, report);
            }
        }
    }

    /**
     * After a forward, untimed: APISIX would now proxy the request to the dispatcher, which redeems
     * its ticket at once; here the ticket is redeemed and the exchange ends as one whose client
     * left, so forwards do not pile up held exchanges until their tickets expire (the Kong program,
     * which let them pile up, measured that instead of the round trip).
     */
    private static void settle(Fairway fairway, String ticket) {
        Exchange exchange = ticket == null ? null : fairway.dispatcher().tickets().redeem(ticket);
        if (exchange != null) {
            exchange.complete(Completion.clientClosed(exchange.elapsedNanos()));
        }
    }

    private static void run(String kind, Fairway fairway, ApisixDriver apisix, PluginConf conf, Supplier<Request> request, int n,
            boolean report) {
        long[] nanos = new long[n];
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            Outcome outcome = apisix.communicate(conf, request.get());
            nanos[i] = System.nanoTime() - t0;
            if (outcome instanceof ApisixDriver.Failed f) {
                throw new IllegalStateException(kind + ": " + f.error());
            }
            if (outcome instanceof ApisixDriver.Rewritten r) {
                settle(fairway, r.header(TicketBook.HEADER));
            }
        }
        long total = System.nanoTime() - start;
        if (report) {
            Arrays.sort(nanos);
            System.out.printf("%-8s %10.1f %10.1f %10.1f %12.0f%n", kind, nanos[n / 2] / 1e3, nanos[n * 9 / 10] / 1e3,
                    nanos[n * 99 / 100] / 1e3, n / (total / 1e9));
        }
    }
}
