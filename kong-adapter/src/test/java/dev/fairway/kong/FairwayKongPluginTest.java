package dev.fairway.kong;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fairway.Fairway;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.RouteConfig;
import dev.fairway.http.Headers;
import dev.fairway.kong.pdk.KongDriver;
import dev.fairway.kong.pdk.KongDriver.PluginConf;
import dev.fairway.kong.pdk.KongDriver.RpcError;
import dev.fairway.kong.pdk.KongRequest;
import dev.fairway.kong.pdk.PluginServer;
import dev.fairway.pipeline.Decision;
import dev.fairway.pipeline.Stage;
import dev.fairway.pipeline.Step;
import dev.fairway.pipeline.Verdict;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole chain: Kong (the driver) -> plugin server -> core -> loopback dispatcher -> provider. */
class FairwayKongPluginTest {
    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String CHAT_STREAM = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");

    static FakeUpstream upstream;
    static Fairway fairway;
    static final ConcurrentLinkedQueue<String> consumers = new ConcurrentLinkedQueue<>();
    static final ConcurrentLinkedQueue<dev.fairway.pipeline.Exchange> slowExchanges = new ConcurrentLinkedQueue<>();
    static volatile CompletableFuture<Verdict> slowVerdict = new CompletableFuture<>();
    static final ConcurrentLinkedQueue<Long> waitBudgets = new ConcurrentLinkedQueue<>();
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    static Path coreDir;

    @TempDir
    Path dir;

    final ConcurrentLinkedQueue<KongLogRecord> logRecords = new ConcurrentLinkedQueue<>();
    PluginServer<RouteConfig> server;
    KongDriver kong;
    PluginConf conf;

    /** Stands in for a cache stage: answers a request marked x-test-cache: hit, and notes each request's consumer. */
    static final class TestCacheStage implements Stage {
        @Override
        public String name() {
            return "test-cache";
        }

        @Override
        public Step open(dev.fairway.pipeline.Exchange exchange) {
            consumers.add(String.valueOf(exchange.hostConsumer()));
            waitBudgets.add(exchange.waitBudgetMillis());
            boolean hit = "hit".equals(exchange.clientHeaders().get("x-test-cache"));
            boolean slow = exchange.clientHeaders().contains("x-test-slow");
            if (slow) {
                slowExchanges.add(exchange);
            }
            return new Step() {
                @Override
                public CompletableFuture<Verdict> beforeDispatch() {
                    if (slow) {
                        return slowVerdict;
                    }
                    return hit
                            ? CompletableFuture.completedFuture(Verdict.answer(new Decision.Answer(200,
                                    Headers.of("content-type", "application/json", "cf-aig-cache-status", "HIT"),
                                    "{\"cached\":true}".getBytes(UTF_8))))
                            : Verdict.PROCEED_NOW;
                }
            };
        }
    }

    @BeforeAll
    static void startCore() throws Exception {
        upstream = new FakeUpstream();
        fairway = Fairway.builder(config(coreDir.resolve("spool"))).dispatcherEndpoint(true).stage(new TestCacheStage()).start();
    }

    /** Each gateway process owns its log spool. */
    static dev.fairway.config.GatewayConfig config(Path spool) {
        return ConfigLoader.withEnv(Map.of()).parse("logs: {spool_dir: '" + spool + "'}");
    }

    @AfterAll
    static void stopCore() {
        fairway.close();
        upstream.close();
    }

    @BeforeEach
    void startServer() throws Exception {
        consumers.clear();
        server = PluginServer.builder(FairwayKongPlugin.builder(fairway)
                        .loader(ConfigLoader.withEnv(Map.of("OPENAI_KEY", "sk-gateway-key")))
                        .logSink(logRecords::add)
                        .build())
                .socket(dir.resolve("fairway.socket")).build().start();
        kong = new KongDriver(server.socket(), "fairway");
        conf = new PluginConf("plugin-1", 1, Map.of("name", "chat",
                "providers", Map.of("openai", Map.of("base_url", upstream.baseUrl(), "api_key", "${env:OPENAI_KEY}"))));
    }

    @AfterEach
    void stopServer() throws Exception {
        kong.close();
        server.close();
    }

    static KongRequest chat(String body) {
        return KongRequest.post("/openai/v1/chat/completions")
                .header("content-type", "application/json")
                .header("authorization", "Bearer sk-client-key")
                .body(body);
    }

    /** What nginx does after the access phase: send the request to the target the plugin set. */
    static HttpResponse<InputStream> proxy(KongRequest req) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(req.scheme + "://" + req.targetHost + ":" + req.targetPort + req.path));
        req.headers.forEach((name, values) -> {
            if (!RESTRICTED.contains(name) && !req.upstreamHeaders.containsKey(name)) {
                values.forEach(v -> b.header(name, v));
            }
        });
        req.upstreamHeaders.forEach(b::header);
        byte[] body = req.upstreamBody != null ? req.upstreamBody : req.body;
        b.method(req.method, HttpRequest.BodyPublishers.ofByteArray(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    @Test
    void hitIsAnsweredThroughKongResponseExit() throws Exception {
        KongRequest req = kong.handle(conf, "access", chat(CHAT).header("x-test-cache", "hit"));

        assertThat(req.exitStatus).isEqualTo(200);
        assertThat(req.exitText()).isEqualTo("{\"cached\":true}");
        assertThat(req.exitHeaders).containsEntry("cf-aig-cache-status", "HIT").containsKey("cf-aig-log-id");
        assertThat(req.forwarded()).isFalse();
        assertThat(kong.errors).isEmpty();
    }

    @Test
    void refusalNamesTheHeader() throws Exception {
        KongRequest req = kong.handle(conf, "access", chat(CHAT).header("cf-aig-authorization", "Basic x"));

        assertThat(req.exitStatus).isEqualTo(400);
        assertThat(req.exitText()).contains("\"type\":\"invalid_header\"").contains("\"header\":\"cf-aig-authorization\"");
        assertThat(req.exitHeaders).containsEntry("content-type", "application/json").containsKey("cf-aig-log-id");
    }

    @Test
    void gatewayHeadersAreSeenBehindAHundredOthers() throws Exception {
        KongRequest req = chat(CHAT);
        for (int i = 0; i < 150; i++) {
            req.header("x-filler-" + i, "v");
        }
        req.header("cf-aig-authorization", "Basic x");

        kong.handle(conf, "access", req);

        assertThat(req.exitStatus).isEqualTo(400);
        assertThat(req.exitText()).contains("cf-aig-authorization");
    }

    @Test
    void unknownProviderIsRefused() throws Exception {
        KongRequest req = chat(CHAT);
        req.path = "/nope/v1/chat/completions";

        kong.handle(conf, "access", req);

        assertThat(req.exitStatus).isEqualTo(404);
        assertThat(req.exitText()).contains("unknown_provider");
    }

    @Test
    void forwardGoesThroughTheDispatcherWithTheGatewaysKey() throws Exception {
        KongRequest req = kong.handle(conf, "access", chat(CHAT));

        assertThat(req.exitStatus).isNull();
        assertThat(req.targetHost).isEqualTo("127.0.0.1");
        assertThat(req.targetPort).isEqualTo((long) fairway.dispatcherPort());
        assertThat(req.scheme).isEqualTo("http");
        assertThat(req.upstreamHeaders).containsKey("x-fairway-ticket");
        assertThat(req.upstreamBody).as("a small body is forwarded as it is (the dispatcher drains it)").isNull();
        assertThat(server.eventCount()).isZero();

        HttpResponse<InputStream> response = proxy(req);
        String body = new String(response.body().readAllBytes(), UTF_8);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(body).contains("\"content\":\"Hello\"").contains("\"received_bytes\":" + CHAT.length());
        assertThat(response.headers().firstValue("cf-aig-log-id")).isPresent();
        FakeUpstream.Seen seen = upstream.seen.stream().filter(s -> new String(s.body(), UTF_8).equals(CHAT)).findFirst().orElseThrow();
        assertThat(seen.path()).isEqualTo("/v1/chat/completions");
        assertThat(seen.headers().get("Authorization")).containsExactly("Bearer sk-gateway-key");
        assertThat(seen.headers()).doesNotContainKey("X-fairway-ticket");

        HttpResponse<InputStream> replay = proxy(req);
        assertThat(replay.statusCode()).as("a ticket is good once").isEqualTo(403);
        replay.body().close();
    }

    @Test
    void streamedAnswerReachesTheClientEventByEvent() throws Exception {
        KongRequest req = kong.handle(conf, "access", chat(CHAT_STREAM));
        HttpResponse<InputStream> response = proxy(req);

        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), UTF_8))) {
            assertThat(lines.readLine()).isEqualTo("data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}");
            // The upstream is still holding its second event: the first one was not buffered.
            upstream.releaseStream.countDown();
            assertThat(lines.readLine()).isEmpty();
            assertThat(lines.readLine()).isEqualTo("data: {\"choices\":[{\"delta\":{\"content\":\"lo\"}}]}");
            assertThat(lines.readLine()).isEmpty();
            assertThat(lines.readLine()).isEqualTo("data: [DONE]");
        }
    }

    @Test
    void tenMebibyteBodyCrossesAsBinAndReachesTheProvider() throws Exception {
        byte[] filler = new byte[10 * 1024 * 1024 - 200];
        new Random(3).ints(filler.length, 'a', 'z' + 1).forEachOrdered(new java.util.function.IntConsumer() {
            int i;

            @Override
            public void accept(int c) {
                filler[i++] = (byte) c;
            }
        });
        String big = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + new String(filler, UTF_8) + "\"}]}";
        KongRequest req = kong.handle(conf, "access", chat(big));
        assertThat(req.forwarded()).isTrue();

        HttpResponse<InputStream> response = proxy(req);
        String body = new String(response.body().readAllBytes(), UTF_8);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(body).contains("\"received_bytes\":" + big.length());
        byte[] expected = MessageDigest.getInstance("SHA-256").digest(big.getBytes(UTF_8));
        assertThat(upstream.seen).anySatisfy(s -> assertThat(MessageDigest.getInstance("SHA-256").digest(s.body())).isEqualTo(expected));
    }

    /**
     * nginx spills a large body to a file, and Kong's get_raw_body(max) answers nil for a file over
     * max, which Kong cannot encode: asked, it would answer 500 itself with no log id and leave the
     * event waiting. The declared length is checked first instead.
     */
    @Test
    void bodyDeclaredLargerThanTheRouteAllowsIsRefusedWith413BeforeItIsRead() throws Exception {
        PluginConf small = new PluginConf("plugin-small", 1, Map.of("max_body_bytes", 10_000,
                "providers", Map.of("openai", Map.of("base_url", upstream.baseUrl()))));
        KongRequest req = chat("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(20_000) + "\"}]}");

        kong.handle(small, "access", req);

        assertThat(req.exitStatus).isEqualTo(413);
        assertThat(req.exitText()).contains("\"type\":\"payload_too_large\"").contains("larger than 10000 bytes");
        assertThat(req.exitHeaders).containsKey("cf-aig-log-id").containsEntry("content-type", "application/json");
        assertThat(req.calls).doesNotContain("kong.request.get_raw_body");
        assertThat(kong.errors).isEmpty();
        assertThat(server.eventCount()).as("no event is left waiting").isZero();
    }

    @Test
    void spilledBodyWithinTheLimitIsRead() throws Exception {
        String content = "y".repeat(50_000);
        KongRequest req = chat("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]}")
                .header("x-test-cache", "hit");

        kong.handle(conf, "access", req);

        assertThat(req.exitStatus).isEqualTo(200);
        assertThat(req.calls).contains("kong.request.get_raw_body");
        assertThat(kong.errors).isEmpty();
    }

    @Test
    void kongConsumerIsTheHostConsumer() throws Exception {
        KongRequest byName = chat(CHAT).header("x-test-cache", "hit");
        byName.consumer = Map.of("id", "c-1", "username", "alice", "custom_id", "A-1");
        KongRequest byCustomId = chat(CHAT).header("x-test-cache", "hit");
        byCustomId.consumer = Map.of("id", "c-2", "custom_id", "tenant-7");

        kong.handle(conf, "access", byName);
        kong.handle(conf, "access", byCustomId);
        kong.handle(conf, "access", chat(CHAT).header("x-test-cache", "hit"));

        assertThat(consumers).containsExactly("alice", "tenant-7", "null");
    }

    @Test
    void invalidConfigIsRefusedNamingTheField() {
        PluginConf bad = new PluginConf("plugin-2", 1, Map.of("providers", Map.of("openai", Map.of("base_url", "ftp://example.com/v1"))));

        assertThatThrownBy(() -> kong.handle(bad, "access", chat(CHAT)))
                .isInstanceOf(RpcError.class)
                .hasMessage("fairway: invalid configuration: providers.openai.base_url: not an absolute https URL");
        assertThatThrownBy(() -> kong.handle(new PluginConf("plugin-3", 1, Map.of("request_timeout_ms", "soon")), "access", chat(CHAT)))
                .hasMessage("fairway: invalid configuration: request_timeout_ms: soon is not a valid whole number");
    }

    @Test
    void restartedServerIsPickedUpThroughNoPluginInstance() throws Exception {
        kong.handle(conf, "access", chat(CHAT).header("x-test-cache", "hit"));
        server.close();
        server = PluginServer.builder(FairwayKongPlugin.builder(fairway).loader(ConfigLoader.withEnv(Map.of("OPENAI_KEY", "k"))).build())
                .socket(dir.resolve("fairway.socket")).build().start();
        kong.close();

        KongRequest req = kong.handle(conf, "access", chat(CHAT).header("x-test-cache", "hit"));

        assertThat(req.exitStatus).isEqualTo(200);
        assertThat(kong.warnings).singleElement().asString().startsWith("no plugin instance #");
        assertThat(kong.errors).isEmpty();
    }

    @Test
    void logPhaseJoinsKongsViewToTheLogIdWithoutCredentials() throws Exception {
        KongRequest req = new KongRequest();
        req.serialized = """
                {"request":{"headers":{"authorization":"Bearer sk-client-secret"},"method":"POST"},
                 "response":{"status":200,"headers":{"cf-aig-log-id":"01JLOGID","content-type":"application/json"}},
                 "route":{"id":"r-1","name":"ai"},"service":{"id":"s-1","name":"llm"},
                 "consumer":{"id":"c-1","username":"alice"},
                 "latencies":{"kong":2,"proxy":140,"request":145},"started_at":1732400000000}""";

        kong.handle(conf, "log", req);

        assertThat(logRecords).containsExactly(
                new KongLogRecord("01JLOGID", 200, "alice", "r-1", "ai", "llm", 2, 140, 145, 1732400000000L));
        assertThat(logRecords.peek().toString()).doesNotContain("sk-client-secret");
        assertThat(req.calls).containsExactly("kong.log.serialize");

        // Kong's view joins the request log as a record of its own in the hash chain.
        fairway.gateway().stages().stream().filter(s -> s instanceof dev.fairway.log.LogStage)
                .map(s -> (dev.fairway.log.LogStage) s).findFirst().orElseThrow().flush(false).get(10, java.util.concurrent.TimeUnit.SECONDS);
        String spooled;
        try (var files = java.nio.file.Files.walk(coreDir.resolve("spool"))) {
            spooled = files.filter(java.nio.file.Files::isRegularFile).map(f -> {
                try {
                    return java.nio.file.Files.readString(f);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).reduce("", String::concat);
        }
        assertThat(spooled).contains("\"kind\":\"host_note\",\"annotates\":\"01JLOGID\",\"host\":\"kong\"",
                "\"consumer\":\"alice\"", "\"latency_proxy_ms\":140", "\"route_name\":\"ai\"");
        assertThat(spooled).doesNotContain("sk-client-secret");
        assertThat(dev.fairway.log.verify.LogVerifier.verifySpool(coreDir.resolve("spool")).intact()).isTrue();
    }

    @Test
    void fiftyConcurrentRequestsFromSeveralWorkers() throws Exception {
        List<KongDriver> workers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            workers.add(new KongDriver(server.socket(), "fairway"));
        }
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                KongDriver worker = workers.get(i % workers.size());
                boolean hit = i % 2 == 0;
                statuses.add(pool.submit(() -> {
                    KongRequest req = chat(CHAT);
                    if (hit) {
                        req.header("x-test-cache", "hit");
                    }
                    worker.handle(conf, "access", req);
                    if (hit) {
                        return req.exitStatus;
                    }
                    HttpResponse<InputStream> r = proxy(req);
                    r.body().readAllBytes();
                    return r.statusCode();
                }));
            }
            for (Future<Integer> s : statuses) {
                assertThat(s.get()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
            for (KongDriver w : workers) {
                assertThat(w.errors).isEmpty();
                w.close();
            }
        }
        assertThat(fairway.dispatcher().tickets().outstanding()).isZero();
    }

    @Test
    void decisionLaterThanTheTimeoutIsAnswered503AndItsForwardEnded() throws Exception {
        slowVerdict = new CompletableFuture<>();
        slowExchanges.clear();
        try (PluginServer<RouteConfig> impatient = PluginServer.builder(FairwayKongPlugin.builder(fairway)
                        .loader(ConfigLoader.withEnv(Map.of("OPENAI_KEY", "k"))).decideTimeout(java.time.Duration.ofMillis(1)).build())
                .socket(dir.resolve("impatient.socket")).build().start();
             KongDriver driver = new KongDriver(impatient.socket(), "fairway")) {
            KongRequest req = driver.handle(conf, "access", chat(CHAT).header("x-test-slow", "1"));

            assertThat(req.exitStatus).isEqualTo(503);
            assertThat(req.exitText()).contains("did not decide within 1 ms");
            assertThat(slowExchanges).singleElement().satisfies(e -> assertThat(e.isCompleted()).isFalse());

            slowVerdict.complete(Verdict.PROCEED);

            assertThat(slowExchanges.peek().isCompleted()).as("the late forward is ended, not left open").isTrue();
            assertThat(fairway.dispatcher().tickets().outstanding()).isZero();
        }
    }

    /**
     * Waits inside the decision (for an identical request already upstream) end before the decide
     * timeout, so that the request goes on as a miss instead of being answered 503; on main the
     * plugin gave the core no deadline and such a wait had no bound.
     */
    @Test
    void theDecideTimeoutBoundsWaitsInsideTheDecision() throws Exception {
        waitBudgets.clear();
        kong.handle(conf, "access", chat(CHAT).header("x-test-cache", "hit"));

        assertThat(waitBudgets).singleElement().satisfies(b -> assertThat(b).isLessThanOrEqualTo(10_000L));
    }

    @Test
    void pluginNeedsTheDispatcherEndpoint() {
        try (Fairway noDispatcher = Fairway.builder(config(dir.resolve("spool"))).start()) {
            assertThatThrownBy(() -> FairwayKongPlugin.builder(noDispatcher))
                    .hasMessage("fairway: started without the dispatcher endpoint (expected: dispatcherEndpoint(true))");
        }
    }

}
