package dev.fairway.kong.pdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fairway.kong.pdk.KongDriver.PluginConf;
import dev.fairway.kong.pdk.KongDriver.RpcError;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginServerTest {
    private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration INSTANCE_IDLE = Duration.ofMinutes(10);

    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final EchoPlugin plugin = new EchoPlugin();
    private PluginServer<String> server;
    private KongDriver kong;
    private final PluginConf conf = new PluginConf("p-1", 1, Map.of("greeting", "hello"));

    @BeforeEach
    void start() throws Exception {
        server = PluginServer.builder(plugin).socket(dir.resolve("echo.socket"))
                .clock(clock::get).eventTimeout(EVENT_TIMEOUT).instanceIdleTimeout(INSTANCE_IDLE).sweepEvery(null)
                .build().start();
        kong = new KongDriver(server.socket(), "echo");
    }

    @AfterEach
    void stop() throws Exception {
        kong.close();
        server.close();
    }

    private static KongRequest mode(String mode) {
        return new KongRequest().header("x-mode", mode);
    }

    @Test
    void exitCarriesStatusBodyAndHeadersAndTheServerAnnouncesItsPid() throws Exception {
        KongRequest req = kong.handle(conf, "access", mode("digest").body("{\"a\":1}"));

        assertThat(req.exitStatus).isEqualTo(200);
        assertThat(req.exitText()).startsWith("7 ");
        assertThat(req.exitHeaders).containsEntry("x-greeting", "hello");
        assertThat(kong.serverPid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(kong.errors).isEmpty();
    }

    @Test
    void tenMebibyteBodyTravelsAsBin() throws Exception {
        byte[] body = new byte[10 * 1024 * 1024];
        new Random(7).nextBytes(body);
        KongRequest req = mode("digest");
        req.body = body;

        kong.handle(conf, "access", req);

        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        assertThat(req.exitText()).isEqualTo(body.length + " " + sha);
    }

    @Test
    void multiMapsConsumerCtxAndVarsUseTheirStepVariants() throws Exception {
        KongRequest req = mode("maps").header("x-multi", "1").header("x-multi", "2");
        req.query = "a=1&a=2&flag";
        req.path = "/p";
        req.consumer = Map.of("id", "c-1", "username", "alice");
        req.vars.put("request_id", "r-9");

        kong.handle(conf, "access", req);

        assertThat(req.exitText()).isEqualTo("[1, 2] {a=[1, 2], flag=[]} alice yes r-9 /p");
        assertThat(req.exitHeaders).containsEntry("x-multi", List.of("a", "b"));
        assertThat(req.stepMethods).containsSubsequence("plugin.StepMultiMap", "plugin.StepMultiMap", "plugin.StepConsumer", "plugin.Step");
    }

    /**
     * Kong passes on only the first value a PDK function returns, and for a body it cannot encode
     * a nil at all: the plugin's coroutine raises, Kong answers 500 itself and never steps the
     * event again. A plugin must not ask for a body Kong cannot read; this pins what happens if it does.
     */
    @Test
    void bodyKongCannotReadEndsInKongs500AndTheEventIsNeverStepped() throws Exception {
        KongRequest req = mode("body-without-limit");
        req.body = new byte[req.clientBodyBufferSize + 1];

        kong.handle(conf, "access", req);

        assertThat(req.exitStatus).isEqualTo(500);
        assertThat(req.exitText()).isEqualTo("{\"message\":\"An unexpected error occurred\"}");
        assertThat(req.stepMethods).doesNotContain("plugin.StepError");
        assertThat(kong.errors).singleElement().asString().contains("attempt to get length");
        assertThat(server.eventCount()).as("the handler waits for a step that never comes").isEqualTo(1);
        clock.addAndGet(EVENT_TIMEOUT.toNanos() + 1);
        server.sweep();
        assertThat(server.eventCount()).isZero();
    }

    @Test
    void bodyKongKeptInMemoryIsReadWithoutALimit() throws Exception {
        KongRequest req = kong.handle(conf, "access", mode("body-without-limit").body("{\"a\":1}"));

        assertThat(req.exitText()).isEqualTo("7 bytes");
        assertThat(kong.errors).isEmpty();
    }

    @Test
    void unknownPdkFunctionsAnswerNil() throws Exception {
        KongRequest req = kong.handle(conf, "access", mode("unknown-method"));

        assertThat(kong.errors).containsExactly("could not find pdk method: kong.does.not.exist");
        assertThat(req.exitText()).isEqualTo("null");
    }

    @Test
    void handlerThatReturnsEndsTheEventWithRet() throws Exception {
        KongRequest req = kong.handle(conf, "access", mode("forward"));

        assertThat(req.targetHost).isEqualTo("127.0.0.1");
        assertThat(req.targetPort).isEqualTo(8080L);
        assertThat(req.scheme).isEqualTo("http");
        assertThat(req.upstreamHeaders).containsEntry("x-greeting", "hello");
        assertThat(server.eventCount()).isZero();
        assertThat(kong.errors).isEmpty();
    }

    @Test
    void failingHandlerIsReportedToKongWithoutItsMessage() throws Exception {
        kong.handle(conf, "access", mode("throw"));

        assertThat(kong.errors).containsExactly("echo failed in the access phase (IllegalStateException)");
        assertThat(server.eventCount()).isZero();
    }

    @Test
    void callAfterExitFailsInTheHandler() throws Exception {
        KongRequest req = kong.handle(conf, "access", mode("call-after-exit"));

        assertThat(req.exitStatus).isEqualTo(200);
        // Kong has its answer as soon as the exit is written; the handler goes on to its next call after that.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (plugin.handlerExceptions.isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(plugin.handlerExceptions).singleElement().isInstanceOf(IllegalStateException.class);
    }

    @Test
    void exitInAccessLeavesNothingWaiting() throws Exception {
        kong.handle(conf, "access", mode("digest"));

        assertThat(server.eventCount()).as("Kong never steps after a delayed exit, and nothing waits for it").isZero();
    }

    @Test
    void exitOutsideAccessIsSteppedAndAnsweredRet() throws Exception {
        KongRequest req = kong.handle(conf, "log", mode("digest"));

        assertThat(req.exitStatus).isEqualTo(200);
        assertThat(server.eventCount()).isZero();
    }

    @Test
    void handlerWaitingForAStepThatNeverComesIsReleased() throws Exception {
        long id = kong.startInstance(conf);
        Map<String, Object> first = KongDriver.asMap(kong.call("plugin.HandleEvent", Map.of("InstanceId", id, "EventName", "access")));
        assertThat(KongDriver.asMap(first.get("Data"))).containsEntry("Method", "kong.request.get_header");

        clock.addAndGet(EVENT_TIMEOUT.toNanos() + 1);
        server.sweep();

        assertThat(server.eventCount()).isZero();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (plugin.handlerExceptions.isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(plugin.handlerExceptions).singleElement().isInstanceOf(EventAbandonedException.class);
        assertThatThrownBy(() -> kong.call("plugin.Step", Map.of("EventId", first.get("EventId"), "Data", "x")))
                .isInstanceOf(RpcError.class).hasMessage("event id " + first.get("EventId") + " not found");
    }

    /**
     * Kong's pool hands out its most recently used socket first, so an event's steps come back on
     * the connection that carried its last reply: the handler runs on the thread that reads that
     * connection and reads its steps itself, with no thread hand-off per PDK call (there were two).
     */
    @Test
    void eventsAndTheirPdkCallsOnOneConnectionRunOnTheThreadThatReadsIt() throws Exception {
        kong.handle(conf, "access", mode("threads"));
        kong.handle(conf, "access", mode("threads"));

        assertThat(kong.errors).isEmpty();
        assertThat(plugin.handlerThreads).hasSize(6);
        assertThat(java.util.Set.copyOf(plugin.handlerThreads)).as("one thread for both events and all their calls").hasSize(1);
        assertThat(plugin.handlerThreads.peek().isVirtual()).as("a platform thread, woken by the kernel itself").isFalse();
        assertThat(server.eventCount()).isZero();
    }

    /** Under concurrency a step can come on another socket of the pool: the handler takes it there, and both stay served. */
    @Test
    void aStepOnAnotherConnectionReachesTheHandlerAndBothConnectionsStayServed() throws Exception {
        try (KongDriver other = new KongDriver(server.socket(), "echo")) {
            long id = kong.startInstance(conf);
            Map<String, Object> first = KongDriver.asMap(kong.call("plugin.HandleEvent", Map.of("InstanceId", id, "EventName", "access")));
            assertThat(KongDriver.asMap(first.get("Data"))).containsEntry("Method", "kong.request.get_header");
            Object eventId = first.get("EventId");

            Map<String, Object> second = KongDriver.asMap(other.call("plugin.Step", Map.of("EventId", eventId, "Data", "forward")));
            assertThat(KongDriver.asMap(second.get("Data"))).containsEntry("Method", "kong.service.set_target");
            assertThat(KongDriver.asMap(kong.call("plugin.GetStatus", null))).as("the first connection is still served").containsKey("Pid");
            List<String> methods = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                // Alternate the connections the steps come on.
                KongDriver via = i % 2 == 0 ? kong : other;
                Map<String, Object> next = KongDriver.asMap(via.call("plugin.Step", Map.of("EventId", eventId)));
                if ("ret".equals(next.get("Data"))) {
                    break;
                }
                methods.add(String.valueOf(KongDriver.asMap(next.get("Data")).get("Method")));
            }
            assertThat(methods).containsExactly("kong.service.request.set_scheme", "kong.service.request.set_header");
            assertThat(server.eventCount()).isZero();
            assertThat(KongDriver.asMap(other.call("plugin.GetStatus", null))).containsKey("Pid");
            assertThat(kong.handle(conf, "access", mode("digest").body("{}")).exitStatus).isEqualTo(200);
        }
    }

    /**
     * A handler that computes past the event's timeout holds the connection Kong waits on: Kong
     * gets its error then, and its next request on that connection is answered while the handler
     * still runs.
     */
    @Test
    void handlerComputingPastItsTimeoutFreesKongsConnection() throws Exception {
        long id = kong.startInstance(conf);
        Map<String, Object> first = KongDriver.asMap(kong.call("plugin.HandleEvent", Map.of("InstanceId", id, "EventName", "access")));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Object> step = pool.submit(() -> kong.call("plugin.Step", Map.of("EventId", first.get("EventId"), "Data", "slow")));
            assertThat(plugin.slowEntered.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

            clock.addAndGet(EVENT_TIMEOUT.toNanos() + 1);
            server.sweep();

            assertThatThrownBy(() -> step.get(10, java.util.concurrent.TimeUnit.SECONDS)).hasCauseInstanceOf(RpcError.class)
                    .hasMessageContaining("expired waiting for kong.request.get_header");
            Future<Object> status = pool.submit(() -> kong.call("plugin.GetStatus", null));
            assertThat(KongDriver.asMap(status.get(10, java.util.concurrent.TimeUnit.SECONDS))).containsKey("Pid");
        } finally {
            plugin.slowRelease.countDown();
            pool.shutdownNow();
        }
        assertThat(server.eventCount()).isZero();
    }

    @Test
    void expiredInstanceIsRestartedThroughNoPluginInstance() throws Exception {
        kong.handle(conf, "access", mode("forward"));
        clock.addAndGet(INSTANCE_IDLE.toNanos() + 1);
        server.sweep();
        assertThat(server.instanceCount()).isZero();
        assertThat(plugin.closed).containsExactly("hello");

        KongRequest req = kong.handle(conf, "access", mode("forward"));

        assertThat(kong.warnings).singleElement().asString().startsWith("no plugin instance #");
        assertThat(kong.starts.get()).isEqualTo(2);
        assertThat(req.targetHost).isEqualTo("127.0.0.1");
        assertThat(kong.errors).isEmpty();
    }

    @Test
    void changedConfigStartsANewInstanceAndClosesTheOld() throws Exception {
        kong.handle(conf, "access", mode("forward"));
        kong.handle(new PluginConf("p-1", 2, Map.of("greeting", "bonjour")), "access", mode("forward"));

        assertThat(server.instanceCount()).isEqualTo(1);
        assertThat(plugin.closed).containsExactly("hello");
    }

    @Test
    void unknownInstancesAndEventsAreNamed() {
        assertThatThrownBy(() -> kong.call("plugin.CloseInstance", 42L)).hasMessage("no plugin instance #42");
        assertThatThrownBy(() -> kong.call("plugin.HandleEvent", Map.of("InstanceId", 42L, "EventName", "access")))
                .hasMessage("no plugin instance #42");
        assertThatThrownBy(() -> kong.call("plugin.Nope", Map.of())).hasMessage("unknown method: plugin.Nope");
    }

    @Test
    void invalidConfigIsRefusedNamingTheField() {
        assertThatThrownBy(() -> kong.handle(new PluginConf("p-2", 1, Map.of("greeting", "")), "access", mode("forward")))
                .isInstanceOf(RpcError.class).hasMessage("echo: invalid configuration: greeting: must not be empty");
        assertThat(server.instanceCount()).isZero();
    }

    @Test
    void phasesThePluginDoesNotHandleAreRefused() throws Exception {
        long id = kong.startInstance(conf);
        assertThatThrownBy(() -> kong.call("plugin.HandleEvent", Map.of("InstanceId", id, "EventName", "header_filter")))
                .hasMessage("echo does not handle the header_filter phase (it handles [access, log])");
    }

    @Test
    void statusAndInfoDescribeThePlugin() throws Exception {
        kong.startInstance(conf);
        Map<String, Object> status = KongDriver.asMap(kong.call("plugin.GetStatus", null));
        Map<String, Object> info = KongDriver.asMap(kong.call("plugin.GetPluginInfo", "echo"));

        assertThat(status.get("Pid")).isEqualTo(ProcessHandle.current().pid());
        assertThat(KongDriver.asMap(KongDriver.asMap(status.get("Plugins")).get("echo")).get("Instances")).asList().hasSize(1);
        assertThat(info).containsEntry("Name", "echo").containsEntry("Priority", 10L).containsEntry("Phases", List.of("access", "log"));
    }

    @Test
    void fiftyConcurrentEventsOnSeveralConnectionsEachGetTheirOwnAnswer() throws Exception {
        List<KongDriver> workers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            workers.add(new KongDriver(server.socket(), "echo"));
        }
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<KongRequest>> results = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                KongDriver worker = workers.get(i % workers.size());
                String body = "{\"n\":" + i + "}";
                results.add(pool.submit(() -> worker.handle(conf, "access", mode("digest").body(body))));
            }
            for (int i = 0; i < 50; i++) {
                String body = "{\"n\":" + i + "}";
                String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
                assertThat(results.get(i).get().exitText()).isEqualTo(body.length() + " " + sha);
            }
        } finally {
            pool.shutdownNow();
            for (KongDriver w : workers) {
                assertThat(w.errors).isEmpty();
                w.close();
            }
        }
        assertThat(server.instanceCount()).as("one instance per worker").isEqualTo(5);
        clock.addAndGet(EVENT_TIMEOUT.toNanos() + 1);
        server.sweep();
        assertThat(server.eventCount()).isZero();
    }

    /** Kong reloads by starting the next server while this one drains: the path must stay the next one's. */
    @Test
    void stoppedIntakeRefusesEventsAndLeavesTheSocketPathToTheNextServer() throws Exception {
        long id = kong.startInstance(conf);
        assertThat(server.stopIntake(Duration.ofSeconds(10))).isTrue();

        assertThatThrownBy(() -> kong.call("plugin.HandleEvent", Map.of("InstanceId", id, "EventName", "access")))
                .hasMessage(Rpc.STOPPING).hasMessageNotContaining("no plugin instance");
        assertThat(server.socket()).doesNotExist();
        try (PluginServer<String> next = PluginServer.builder(new EchoPlugin()).socket(server.socket()).sweepEvery(null).build().start();
             KongDriver nextKong = new KongDriver(next.socket(), "echo")) {
            server.close();

            assertThat(next.socket()).exists();
            assertThat(nextKong.handle(conf, "access", mode("forward")).targetHost).isEqualTo("127.0.0.1");
        }
    }
}
