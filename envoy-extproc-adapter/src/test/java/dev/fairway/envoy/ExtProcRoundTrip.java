package dev.fairway.envoy;

import static dev.fairway.envoy.Http.chatBody;
import static dev.fairway.envoy.Http.request;
import static dev.fairway.envoy.Http.utf8;

import dev.fairway.Fairway;
import dev.fairway.config.ConfigLoader;
import dev.fairway.http.Headers;
import dev.fairway.pipeline.Completion;
import dev.fairway.pipeline.Decision;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.Stage;
import dev.fairway.pipeline.Step;
import dev.fairway.pipeline.Verdict;
import dev.fairway.testing.Allocation;
import dev.fairway.testing.ContextSwitches;
import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Per-request round trip of the ext_proc message sequence over loopback gRPC, as Envoy runs it
 * (open stream, request headers, BUFFERED body, answer, half-close): a local answer, a refusal and a
 * dispatcher forward. The round trip is timed from the stream's opening to the body's response,
 * where Envoy carries on with the request; the time to the stream's close is printed beside it.
 * Like Envoy's worker, the driver sends each message from the event loop that received the last
 * response, so no hand-off between a waiting thread and the channel's thread is counted in. A program, not a test; run it from the module's test classpath:
 *
 * <pre>
 * java -cp "$(cat cp.txt):target/classes:target/test-classes" dev.fairway.envoy.ExtProcRoundTrip [iterations]
 * </pre>
 *
 * The local answer comes from a stage answering every request marked {@code x-bench-answer} with a
 * JSON body and {@code cf-aig-cache-status: HIT}, shaped like a cache hit, so that the numbers do not
 * depend on a cache implementation. Beside the wall-clock percentiles (which follow the machine's
 * load), the load-independent part: CPU time and bytes allocated per request by the whole process
 * (both gRPC ends), for the two messages each request takes, and the times the process's threads
 * went to sleep per request ({@link ContextSwitches}: each thread hand-off is one).
 */
public final class ExtProcRoundTrip {
    private static final com.sun.management.OperatingSystemMXBean PROCESS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    private ExtProcRoundTrip() {}

    public static void main(String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        ExtProcConfig config = ExtProcConfig.parse("routes: [{name: ai, prefix: /ai}]\nenvoy: {decision_timeout_ms: 5000}",
                ConfigLoader.withEnv(Map.of()));
        try (Fairway fw = Fairway.builder(config.gateway()).dispatcherEndpoint(true).stage(new AnswerStage()).start();
             ExtProcServer server = ExtProcServer.builder(fw, config).port(0).start();
             // Envoy's own gRPC client hands replies over on its worker thread: no executor hop on this side either.
             EnvoySide envoy = EnvoySide.over(io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                     .usePlaintext().directExecutor().maxInboundMessageSize(Integer.MAX_VALUE).build())) {
            byte[] body = utf8(chatBody(false));
            HeaderMap hit = request("POST", "/ai/openai/v1/chat/completions", "content-type", "application/json",
                    "authorization", "Bearer sk-client", "x-bench-answer", "1");
            HeaderMap refusal = request("POST", "/ai/openai/v1/chat/completions", "content-type", "application/json",
                    "cf-aig-authorization", "Basic x");
            HeaderMap forward = request("POST", "/ai/openai/v1/chat/completions", "content-type", "application/json",
                    "authorization", "Bearer sk-client");
            for (String[] c : new String[][] {{"hit", null}, {"refusal", null}, {"forward", null}}) {
                HeaderMap h = switch (c[0]) {
                    case "hit" -> hit;
                    case "refusal" -> refusal;
                    default -> forward;
                };
                run(envoy, fw, h, body, iterations / 4); // warm-up
                long cpu = PROCESS.getProcessCpuTime();
                long bytes = Allocation.allThreads();
                long sleeps = ContextSwitches.allThreads();
                long mainSleeps = ContextSwitches.currentThread();
                long[][] both = run(envoy, fw, h, body, iterations);
                double driverSleeps = (ContextSwitches.currentThread() - mainSleeps) / (double) iterations;
                double allSleeps = (ContextSwitches.allThreads() - sleeps) / (double) iterations;
                double cpuMicros = (PROCESS.getProcessCpuTime() - cpu) / 1e3 / iterations;
                double allocated = (Allocation.allThreads() - bytes) / (double) iterations;
                long[] nanos = both[0];
                long[] toClose = both[1];
                Arrays.sort(nanos);
                Arrays.sort(toClose);
                System.out.printf("%-8s n=%d p50=%.1f us p99=%.1f us max=%.1f us (to the stream's close: p50=%.1f us) messages 2 cpu %.1f us/req"
                                + " alloc %.0f B/req thread sleeps %.1f/req (driver's main thread %.1f) load %s%n",
                        c[0], iterations, nanos[nanos.length / 2] / 1e3, nanos[(int) (nanos.length * 0.99)] / 1e3,
                        nanos[nanos.length - 1] / 1e3, toClose[toClose.length / 2] / 1e3, cpuMicros, allocated, allSleeps, driverSleeps,
                        loadAverage());
            }
        }
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    /**
     * Runs {@code n} requests one after another, each driven from the channel's event loop as
     * Envoy's worker drives its ext_proc streams from its own: the body goes out from the callback
     * that received the headers' response, the next request starts from the callback that saw the
     * previous stream close. Returns, per request, the time to the body's response (when Envoy
     * carries on with the request) and to the stream's close (the server's end of the half-close,
     * which Envoy does not wait for).
     */
    private static long[][] run(EnvoySide envoy, Fairway fw, HeaderMap headers, byte[] body, int n) throws Exception {
        long[][] nanos = {new long[n], new long[n]};
        CompletableFuture<Void> done = new CompletableFuture<>();
        new Chain(envoy, fw, headers, body, nanos, done).request(0);
        done.get(300, java.util.concurrent.TimeUnit.SECONDS);
        return nanos;
    }

    /** One request's message sequence after another, each step on the thread the last response came on. */
    private record Chain(EnvoySide envoy, Fairway fw, HeaderMap headers, byte[] body, long[][] nanos, CompletableFuture<Void> done) {
        void request(int i) {
            if (i == nanos[0].length) {
                done.complete(null);
                return;
            }
            long t0 = System.nanoTime();
            EnvoySide.Stream s = envoy.open("ai");
            int[] replies = {0};
            s.onReply(r -> {
                try {
                    if (replies[0]++ == 0) {
                        s.requestBody(body, true);
                        return;
                    }
                    nanos[0][i] = System.nanoTime() - t0;
                    if (r.hasRequestBody()) {
                        // Keep the ticket book as small as a live one: the dispatcher would redeem it, and
                        // the exchange then ends (here as one whose client left), so its completion steps
                        // (record, quotas, metrics) run as in the Kong and APISIX programs.
                        Exchange forwarded = fw.dispatcher().tickets().redeem(
                                Http.set(r.getRequestBody().getResponse().getHeaderMutation(), "x-fairway-ticket"));
                        if (forwarded != null) {
                            forwarded.complete(Completion.clientClosed(forwarded.elapsedNanos()));
                        }
                    }
                    s.halfClose();
                } catch (RuntimeException e) {
                    done.completeExceptionally(e);
                }
            });
            s.closed().whenComplete((status, failure) -> {
                nanos[1][i] = System.nanoTime() - t0;
                if (failure != null || !status.isOk() || replies[0] != 2) {
                    done.completeExceptionally(new IllegalStateException("request " + i + ": stream ended " + status + " after "
                            + replies[0] + " responses", failure));
                } else {
                    request(i + 1);
                }
            });
            s.requestHeaders(headers, false);
        }
    }

    private static final class AnswerStage implements Stage {
        private static final byte[] ANSWER = utf8(FakeUpstream.JSON);

        @Override
        public String name() {
            return "bench-answer";
        }

        @Override
        public Step open(Exchange exchange) {
            if (!exchange.clientHeaders().contains("x-bench-answer")) {
                return Step.NONE;
            }
            return new Step() {
                @Override
                public CompletableFuture<Verdict> beforeDispatch() {
                    return CompletableFuture.completedFuture(Verdict.answer(new Decision.Answer(200,
                            Headers.of("content-type", "application/json", "cf-aig-cache-status", "HIT"), ANSWER)));
                }
            };
        }
    }
}
