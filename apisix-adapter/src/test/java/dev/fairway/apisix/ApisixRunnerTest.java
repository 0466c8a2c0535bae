package dev.fairway.apisix;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.fairway.Fairway;
import dev.fairway.apisix.ApisixDriver.Failed;
import dev.fairway.apisix.ApisixDriver.Outcome;
import dev.fairway.apisix.ApisixDriver.PluginConf;
import dev.fairway.apisix.ApisixDriver.Request;
import dev.fairway.apisix.ApisixDriver.RespOutcome;
import dev.fairway.apisix.ApisixDriver.Rewritten;
import dev.fairway.apisix.ApisixDriver.Stopped;
import dev.fairway.apisix.protocol.TextEntry;
import dev.fairway.config.ConfigLoader;
import dev.fairway.dispatch.TicketBook;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The runner against a driver that plays APISIX's side exactly, over a real Unix socket. */
class ApisixRunnerTest {
    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final ProbeStage probe = new ProbeStage();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private FakeProvider provider;
    private Fairway fairway;
    private ApisixRunner runner;
    private ApisixDriver apisix;
    private Forwarder nginx;

    @BeforeEach
    void start() throws Exception {
        provider = new FakeProvider();
        fairway = Fairway.builder(ConfigLoader.defaults()).dispatcherEndpoint(true).stage(probe).start();
        startRunner(Duration.ofSeconds(3600));
        apisix = new ApisixDriver(runner.socket(), clock::get);
        nginx = new Forwarder(fairway.dispatcherPort());
        log.start();
        ((Logger) LoggerFactory.getLogger(RpcHandler.class)).addAppender(log);
    }

    private void startRunner(Duration confTtl) throws Exception {
        runner = ApisixRunner.builder(fairway)
                .socket(dir.resolve("runner.sock"))
                .confTtl(confTtl)
                .nanoClock(clock::get)
                .configLoader(ConfigLoader.withEnv(Map.of("OPENAI_KEY", "sk-test")))
                .start();
    }

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger(RpcHandler.class)).detachAppender(log);
        apisix.close();
        runner.close();
        fairway.close();
        provider.close();
    }

    private PluginConf route(String extra) {
        return PluginConf.fairway("1", "{\"name\":\"chat\",\"providers\":{\"openai\":{\"base_url\":\"" + provider.baseUrl()
                + "\",\"api_key\":\"${env:OPENAI_KEY}\"}}" + extra + "}");
    }

    private static Request chat(String body, String... headers) {
        List<String> all = new ArrayList<>(List.of("host", "ai.example.com", "content-type", "application/json",
                "authorization", "Bearer client-key"));
        all.addAll(List.of(headers));
        return Request.of("POST", "/openai/v1/chat/completions", body.getBytes(StandardCharsets.UTF_8), all.toArray(String[]::new));
    }

    @Test
    void theSocketIsReachableByWorkersRunningAsAnotherUser() throws Exception {
        // A root master's workers run as nobody: they need write permission on the socket to connect.
        assertThat(java.nio.file.Files.getPosixFilePermissions(runner.socket()))
                .contains(java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE,
                        java.nio.file.attribute.PosixFilePermission.OTHERS_READ);
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(java.nio.file.Files.getPosixFilePermissions(runner.socket())))
                .isEqualTo("rwxrw-rw-");
    }

    @Test
    void refusalIsAStopWithTheCoresJsonError() {
        Outcome outcome = apisix.communicate(route(""), chat(CHAT, "cf-aig-authorization", "Basic x"));

        assertThat(outcome).isInstanceOf(Stopped.class);
        Stopped stop = (Stopped) outcome;
        assertThat(stop.status()).isEqualTo(400);
        assertThat(stop.header("content-type")).isEqualTo("application/json");
        assertThat(stop.header("cf-aig-log-id")).isNotBlank();
        assertThat(stop.bodyText()).contains("\"type\":\"invalid_header\"").contains("\"header\":\"cf-aig-authorization\"");
        assertThat(apisix.prepares.get()).isEqualTo(1);
    }

    @Test
    void hitIsAStopWithStatusHeadersAndBody() {
        Stopped stop = (Stopped) apisix.communicate(route(""), chat(CHAT, "x-probe-hit", "1"));

        assertThat(stop.status()).isEqualTo(200);
        assertThat(stop.header("cf-aig-cache-status")).isEqualTo("HIT");
        assertThat(stop.header("cf-aig-log-id")).isNotBlank();
        assertThat(stop.body()).isEqualTo(ProbeStage.HIT_BODY);
    }

    @Test
    void unknownProviderIsAStopNamingIt() {
        Request request = Request.of("POST", "/nosuch/v1/chat/completions", CHAT.getBytes(StandardCharsets.UTF_8));
        Stopped stop = (Stopped) apisix.communicate(route(""), request);

        assertThat(stop.status()).isEqualTo(404);
        assertThat(stop.bodyText()).contains("nosuch");
    }

    @Test
    void forwardIsARewriteWithATicketThatTheDispatcherServes() throws Exception {
        Request request = chat(CHAT);
        Rewritten rewrite = (Rewritten) apisix.communicate(route(""), request);

        assertThat(rewrite.header(TicketBook.HEADER)).isNotBlank();
        assertThat(rewrite.path()).isNull();
        HttpResponse<InputStream> response = nginx.send(request, rewrite);
        String body = new String(response.body().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("cf-aig-log-id")).isPresent();
        assertThat(body).contains("received " + CHAT.length() + " bytes");
        FakeProvider.Seen seen = provider.next();
        assertThat(seen.path()).isEqualTo("/v1/chat/completions");
        assertThat(seen.authorization()).isEqualTo("Bearer sk-test");
        assertThat(apisix.bodyRequests.get()).isEqualTo(1);
    }

    @Test
    void aTicketServesOnce() throws Exception {
        Request request = chat(CHAT);
        Rewritten rewrite = (Rewritten) apisix.communicate(route(""), request);
        nginx.send(request, rewrite).body().readAllBytes();

        HttpResponse<InputStream> replay = nginx.send(request, rewrite);

        assertThat(replay.statusCode()).isEqualTo(403);
    }

    @Test
    void streamsReachTheClientEventByEvent() throws Exception {
        Request request = chat("{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        Rewritten rewrite = (Rewritten) apisix.communicate(route(""), request);
        HttpResponse<InputStream> response = nginx.send(request, rewrite);

        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        // The upstream holds its second event until we saw the first: nothing on the way buffers.
        assertThat(reader.readLine()).contains("Hel");
        provider.releaseStream();
        StringBuilder rest = new StringBuilder();
        for (String line; (line = reader.readLine()) != null; ) {
            rest.append(line).append('\n');
        }
        assertThat(rest.toString()).contains("lo").contains("data: [DONE]");
    }

    @Test
    void theConsumerNameReachesTheCore() throws Exception {
        apisix.communicate(route(""), chat(CHAT, "x-probe-hit", "1").withVar("consumer_name", "alice"));
        apisix.communicate(route(""), chat(CHAT, "x-probe-hit", "1"));

        assertThat(probe.nextConsumer()).isEqualTo("alice");
        assertThat(probe.nextConsumer()).isEqualTo("<none>");
    }

    @Test
    void queryArgumentsAreRebuiltIntoTheTarget() throws Exception {
        Request request = Request.of("GET", "/openai/v1/models", new byte[0])
                .withArgs(List.of(new TextEntry("limit", "2"), new TextEntry("q", "a b&c"), new TextEntry("flag", null)));
        Rewritten rewrite = (Rewritten) apisix.communicate(route(""), request);
        nginx.send(request, rewrite).body().readAllBytes();

        assertThat(provider.next().path()).isEqualTo("/v1/models?limit=2&q=a%20b%26c&flag");
        assertThat(apisix.bodyRequests.get()).as("a GET without a body does not fetch one").isZero();
    }

    @Test
    void aPostWithoutContentLengthStillHasItsBodyFetched() throws Exception {
        // How an HTTP/2 client's request may look: no content-length, no transfer-encoding.
        Request request = new Request("POST", "/openai/v1/chat/completions", List.of(),
                List.of(new TextEntry("content-type", "application/json")), CHAT.getBytes(StandardCharsets.UTF_8), Map.of());
        Rewritten rewrite = (Rewritten) apisix.communicate(route(""), request);
        nginx.send(request, rewrite).body().readAllBytes();

        assertThat(apisix.bodyRequests.get()).isEqualTo(1);
        assertThat(provider.next().bodyBytes()).isEqualTo(CHAT.length());
    }

    @Test
    void badConfIsRefusedAndTheRunnerLogNamesTheField() {
        Outcome outcome = apisix.communicate(PluginConf.fairway("2", "{\"request_timeout_ms\": -5}"), chat(CHAT));

        assertThat(outcome).isEqualTo(new Failed(503, "failed to receive RPC_PREPARE_CONF: bad request"));
        assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage)
                .anySatisfy(m -> assertThat(m).contains("request_timeout_ms: -5 (expected: > 0)"));
    }

    @Test
    void confWithoutAFairwayEntryIsRefused() {
        PluginConf conf = new PluginConf("3", 1, "ext-plugin-pre-req", List.of(new TextEntry("other", "{}")));

        Outcome outcome = apisix.communicate(conf, chat(CHAT));

        assertThat(outcome).isEqualTo(new Failed(503, "failed to receive RPC_PREPARE_CONF: bad request"));
        assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage)
                .anySatisfy(m -> assertThat(m).contains("no entry named \"fairway\"").contains("other"));
    }

    @Test
    void secretsInABadConfStayOutOfTheLog() {
        apisix.communicate(PluginConf.fairway("4", "{\"providers\":{\"openai\":{\"api_key\":\"sk-live-secret\",\"base_url\":\"ftp://x\"}}}"), chat(CHAT));

        assertThat(log.list).isNotEmpty();
        assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage).noneSatisfy(m -> assertThat(m).contains("sk-live-secret"));
    }

    @Test
    void unknownConfTokenMakesApisixPrepareAgain() {
        PluginConf conf = route("");
        apisix.seedToken(conf, 4242);

        Outcome outcome = apisix.communicate(conf, chat(CHAT, "x-probe-hit", "1"));

        assertThat(outcome).isInstanceOf(Stopped.class);
        assertThat(apisix.tokenRefreshes.get()).isEqualTo(1);
        assertThat(apisix.prepares.get()).isEqualTo(1);
    }

    @Test
    void expiredTokensAreRefreshed() throws Exception {
        runner.close();
        startRunner(Duration.ofSeconds(60));
        PluginConf conf = route("");
        apisix.communicate(conf, chat(CHAT, "x-probe-hit", "1"));
        clock.addAndGet(Duration.ofSeconds(129).toNanos());
        apisix.communicate(conf, chat(CHAT, "x-probe-hit", "1"));
        assertThat(apisix.tokenRefreshes.get()).as("still live: 2 x 60 s + 10 s grace").isZero();

        clock.addAndGet(Duration.ofSeconds(2).toNanos());
        Outcome outcome = apisix.communicate(conf, chat(CHAT, "x-probe-hit", "1"));

        assertThat(outcome).isInstanceOf(Stopped.class);
        assertThat(apisix.tokenRefreshes.get()).isEqualTo(1);
        assertThat(apisix.prepares.get()).isEqualTo(2);
    }

    @Test
    void apisixsOwnExpiryPreparesAgainWithoutAnError() {
        PluginConf conf = route("");
        apisix.communicate(conf, chat(CHAT, "x-probe-hit", "1"));
        clock.addAndGet(ApisixDriver.CONF_TTL.plusSeconds(1).toNanos());

        apisix.communicate(conf, chat(CHAT, "x-probe-hit", "1"));

        assertThat(apisix.prepares.get()).isEqualTo(2);
        assertThat(apisix.tokenRefreshes.get()).isZero();
    }

    @Test
    void respCallLeavesTheResponseIntactForTheClient() {
        List<TextEntry> upstream = List.of(new TextEntry("Content-Type", "application/json"),
                new TextEntry("Content-Encoding", "gzip"), new TextEntry("Location", "/v1/x"),
                new TextEntry("cf-aig-log-id", "01ABC"), new TextEntry("Content-Length", "120"),
                new TextEntry("Connection", "keep-alive, x-hop"), new TextEntry("x-hop", "1"),
                new TextEntry("Transfer-Encoding", "chunked"));

        RespOutcome out = apisix.respCall(route(""), 200, upstream);

        assertThat(out.status()).as("status unchanged").isZero();
        assertThat(out.body()).as("body unchanged").isEmpty();
        assertThat(out.clientHeader("content-type")).isEqualTo("application/json");
        assertThat(out.clientHeader("content-encoding")).isEqualTo("gzip");
        assertThat(out.clientHeader("location")).isEqualTo("/v1/x");
        assertThat(out.clientHeader("cf-aig-log-id")).isEqualTo("01ABC");
        assertThat(out.clientHeaders()).extracting(TextEntry::name)
                .doesNotContain("content-length", "connection", "x-hop", "transfer-encoding");
    }

    @Test
    void respCallWithAnUnknownTokenIsRefreshedToo() {
        PluginConf conf = route("");
        apisix.seedToken(conf, 777);

        RespOutcome out = apisix.respCall(conf, 200, List.of());

        assertThat(out.status()).isZero();
        assertThat(apisix.tokenRefreshes.get()).isEqualTo(1);
    }

    @Test
    void concurrentConnectionsEachGetTheirOwnAnswers() throws Exception {
        PluginConf conf = route("");
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 160; i++) {
                int n = i;
                results.add(pool.submit(() -> {
                    if (n % 2 == 0) {
                        Stopped stop = (Stopped) apisix.communicate(conf, chat(CHAT, "cf-aig-authorization", "Basic " + n));
                        return stop.status() + " " + stop.bodyText().contains("cf-aig-authorization");
                    }
                    String body = "{\"model\":\"m" + n + "\",\"messages\":[]}";
                    Request request = chat(body);
                    Rewritten rewrite = (Rewritten) apisix.communicate(conf, request);
                    HttpResponse<InputStream> response = nginx.send(request, rewrite);
                    String text = new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
                    return response.statusCode() + " " + text.contains("received " + body.length() + " bytes");
                }));
            }
            for (Future<String> r : results) {
                assertThat(r.get()).isIn("400 true", "200 true");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(apisix.connectionsOpened.get()).isGreaterThan(1);
    }

    @Test
    void bodyUpToTheFrameLimitIsForwardedWhole() throws Exception {
        byte[] body = jsonOfSize(RpcHandler.MAX_BODY_BYTES);
        Request request = Request.of("POST", "/openai/v1/chat/completions", body, "content-type", "application/json");
        Rewritten rewrite = (Rewritten) apisix.communicate(route(",\"max_body_bytes\":20000000"), request);
        HttpResponse<InputStream> response = nginx.send(request, rewrite);

        assertThat(new String(response.body().readAllBytes(), StandardCharsets.UTF_8)).contains("received " + body.length + " bytes");
        assertThat(provider.next().bodyBytes()).isEqualTo(body.length);
    }

    @Test
    void announcedBodyBeyondTheFrameLimitIsRefusedWithoutFetchingIt() {
        byte[] body = jsonOfSize(RpcHandler.MAX_BODY_BYTES + 1);
        Request request = Request.of("POST", "/openai/v1/chat/completions", body, "content-type", "application/json");

        Stopped stop = (Stopped) apisix.communicate(route(",\"max_body_bytes\":20000000"), request);

        assertThat(stop.status()).isEqualTo(413);
        assertThat(stop.bodyText()).contains("\"type\":\"payload_too_large\"").contains("\"limit\":" + RpcHandler.MAX_BODY_BYTES);
        assertThat(apisix.bodyRequests.get()).isZero();
    }

    @Test
    void chunkedBodyBeyondTheFrameLimitFailsInApisixAndTheRunnerCarriesOn() {
        byte[] body = jsonOfSize(sixteenMebibytesAndOne());
        Request request = Request.of("POST", "/openai/v1/chat/completions", body,
                "content-type", "application/json", "transfer-encoding", "chunked");

        Outcome outcome = apisix.communicate(route(",\"max_body_bytes\":20000000"), request);

        assertThat(outcome).isInstanceOf(Failed.class);
        assertThat(((Failed) outcome).error()).startsWith("failed to reply RPC_EXTRA_INFO: the max length of data is 16777215 but got");
        Outcome next = apisix.communicate(route(""), chat(CHAT, "x-probe-hit", "1"));
        assertThat(next).isInstanceOf(Stopped.class);
    }

    @Test
    void bodyOverTheRoutesLimitIsTheCoresRefusal() {
        byte[] body = jsonOfSize(2048);
        Request request = Request.of("POST", "/openai/v1/chat/completions", body, "content-type", "application/json");

        Stopped stop = (Stopped) apisix.communicate(route(",\"max_body_bytes\":1024"), request);

        assertThat(stop.status()).isEqualTo(413);
        assertThat(stop.bodyText()).contains("\"limit\":1024");
    }

    private static int sixteenMebibytesAndOne() {
        return 16 * 1024 * 1024 + 1;
    }

    private static byte[] jsonOfSize(int size) {
        String head = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"";
        String tail = "\"}]}";
        byte[] out = new byte[size];
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] t = tail.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(h, 0, out, 0, h.length);
        java.util.Arrays.fill(out, h.length, size - t.length, (byte) 'a');
        System.arraycopy(t, 0, out, size - t.length, t.length);
        return out;
    }
}
