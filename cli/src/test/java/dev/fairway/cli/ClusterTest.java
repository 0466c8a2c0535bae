package dev.fairway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.mock.MockOptions;
import dev.fairway.mock.MockProvider;
import dev.fairway.quota.redis.RedisServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three gateway processes ({@code fairway serve}, each its own JVM on the built classpath) on
 * loopback, one redis-server and the mock provider, as docs/scale-out.md describes a fleet: the
 * cache and quotas are shared through Redis, each node spools its own request log. Each test prints
 * one "cluster:" line with its figures; docs/scale-out.md quotes them.
 */
@Timeout(180)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTest {
    private static final int QUOTA = 12;
    private static final String CONFIG = """
            server: {host: 127.0.0.1, port: 0, admin_port: 0}
            providers: {openai: {base_url: "%s/v1", api_key: "cluster-test-key"}}
            redis: {uri: "%s", command_timeout_ms: 5000, connect_timeout_ms: 2000}
            cache_storage: {directory: "%s", disk_mb: 0, off_heap_mb: 4, shared: {enabled: true, poll_ms: 20}}
            logs: {spool_dir: "%s", fsync: always}
            routes:
              - {name: cached, prefix: /cached, cache: {enabled: true, single_flight_wait_ms: 15000}}
              - {name: limited, prefix: /limited, quotas: [{name: cluster, unit: requests, limit: %d, window: 1h, on_store_failure: fail_open}]}
              - {name: plain, prefix: /plain, logging: {record_before_answer: true}}
            """;

    private Path dir;
    private RedisServer redis;
    private MockProvider mock;
    private final List<Process> nodes = new ArrayList<>();
    private final List<String> bases = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void startCluster(@TempDir Path dir) throws Exception {
        this.dir = dir;
        redis = RedisServer.start();
        mock = MockProvider.start(MockOptions.defaults());
        for (int i = 1; i <= 3; i++) {
            Path node = Files.createDirectories(dir.resolve("node" + i));
            Files.writeString(node.resolve("fairway.yaml"), CONFIG.formatted(mock.baseUrl(), redis.uri(),
                    node.resolve("cache"), node.resolve("spool"), QUOTA));
            nodes.add(ServeProcesses.start(node.resolve("fairway.yaml"), node));
        }
        for (int i = 0; i < nodes.size(); i++) {
            bases.add(ServeProcesses.await(nodes.get(i), Path.of("target", "cluster-node" + (i + 1) + ".log"),
                    ServeProcesses.LISTENING).get(0));
        }
    }

    @AfterAll
    void stopCluster() {
        nodes.forEach(Process::destroyForcibly);
        if (mock != null) {
            mock.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    @Order(1)
    void aResponseCachedThroughNodeOneIsAHitOnNodesTwoAndThree() throws Exception {
        int before = mock.requestCount();
        String ask = ask("shared answer");
        HttpResponse<String> first = post(0, "/cached", ask);
        HttpResponse<String> second = post(1, "/cached", ask);
        HttpResponse<String> third = post(2, "/cached", ask);

        assertThat(first.headers().firstValue("cf-aig-cache-status")).hasValue("MISS");
        assertThat(second.headers().firstValue("cf-aig-cache-status")).hasValue("HIT");
        assertThat(third.headers().firstValue("cf-aig-cache-status")).hasValue("HIT");
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(third.body()).isEqualTo(first.body());
        assertThat(mock.requestCount() - before).isEqualTo(1);
        System.out.println("cluster: hit sharing: 1 miss on node 1, hits on nodes 2 and 3, upstream calls 1");
    }

    @Test
    @Order(2)
    void aRequestQuotaOfNAcrossTheClusterAdmitsExactlyN() {
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < QUOTA * 3; i++) {
            all.add(postAsync(i % 3, "/limited", ask("quota " + i)));
        }
        long admitted = all.stream().map(CompletableFuture::join).filter(r -> r.statusCode() == 200).count();
        long refused = all.stream().map(CompletableFuture::join).filter(r -> r.statusCode() == 429).count();

        assertThat(admitted).isEqualTo(QUOTA);
        assertThat(refused).isEqualTo(QUOTA * 2L);
        System.out.printf("cluster: quota exactness: limit %d, %d concurrent requests over 3 nodes, %d admitted, %d refused (429)%n",
                QUOTA, QUOTA * 3, admitted, refused);
    }

    @Test
    @Order(3)
    void identicalConcurrentRequestsAcrossNodesMakeOneUpstreamCall() {
        int before = mock.requestCount();
        String ask = ask("one flight");
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            all.add(postAsync(i % 3, "/cached", ask, "x-mock-delay-ms", "1500"));
        }
        List<HttpResponse<String>> answers = all.stream().map(CompletableFuture::join).toList();

        assertThat(answers).allMatch(r -> r.statusCode() == 200);
        assertThat(answers.stream().map(HttpResponse::body).distinct()).hasSize(1);
        assertThat(mock.requestCount() - before).isEqualTo(1);
        long hits = answers.stream().filter(r -> r.headers().firstValue("cf-aig-cache-status").orElse("").equals("HIT")).count();
        System.out.printf("cluster: single flight: 9 identical concurrent requests over 3 nodes, upstream calls %d, hits %d%n",
                mock.requestCount() - before, hits);
    }

    @Test
    @Order(4)
    void redisStoppedAndRestartedMidRunDegradesToEachNodeThenSharesAgain() throws Exception {
        redis.stop();
        String ask = ask("during the outage");
        HttpResponse<String> onOne = post(0, "/cached", ask);
        HttpResponse<String> onTwo = post(1, "/cached", ask);
        HttpResponse<String> quota = post(2, "/limited", ask("quota during the outage"));

        assertThat(onOne.statusCode()).isEqualTo(200);
        assertThat(onTwo.statusCode()).isEqualTo(200);
        assertThat(onTwo.headers().firstValue("cf-aig-cache-status")).as("no sharing while Redis is down").hasValue("MISS");
        assertThat(quota.statusCode()).as("the quota's on_store_failure: fail_open").isEqualTo(200);

        redis.resume();
        long resumed = System.nanoTime();
        boolean shared = false;
        for (int i = 0; i < 100 && !shared; i++) { // bounded: each node reconnects on its own
            String again = ask("after the outage " + i);
            post(0, "/cached", again);
            shared = post(1, "/cached", again).headers().firstValue("cf-aig-cache-status").orElse("").equals("HIT");
            if (!shared) {
                Thread.sleep(100);
            }
        }
        assertThat(shared).isTrue();
        System.out.printf("cluster: redis outage: 3 requests during it answered 200 (cache misses, quota fail_open), sharing back %d ms after restart%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - resumed));
    }

    @Test
    @Order(5)
    void killingANodeLosesNoAcceptedRequestsRecordAndTheOthersServeOn() throws Exception {
        ConcurrentLinkedQueue<String> answered = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread traffic = Thread.ofVirtual().start(() -> {
            for (int i = 0; !stop.get(); i++) {
                try {
                    HttpResponse<String> r = post(2, "/plain", ask("spooled " + i));
                    if (r.statusCode() == 200) {
                        r.headers().firstValue("cf-aig-log-id").ifPresent(answered::add);
                    }
                } catch (IOException | InterruptedException e) {
                    return; // the node is gone
                }
            }
        });
        while (answered.size() < 10) {
            Thread.sleep(20);
        }
        nodes.get(2).destroyForcibly(); // SIGKILL, mid-traffic
        nodes.get(2).waitFor(30, TimeUnit.SECONDS);
        stop.set(true);
        traffic.join(10_000);

        StringBuilder spool = new StringBuilder();
        for (Path p : dev.fairway.log.spool.Segments.list(dir.resolve("node3").resolve("spool"))) {
            spool.append(Files.readString(p));
        }
        assertThat(answered).isNotEmpty().allSatisfy(id -> assertThat(spool).contains(id));
        assertThat(post(0, "/plain", ask("after the kill")).statusCode()).isEqualTo(200);
        assertThat(post(1, "/plain", ask("after the kill")).statusCode()).isEqualTo(200);
        System.out.printf("cluster: failover: node 3 SIGKILLed mid-traffic after %d answered requests, %d of them in its spool; nodes 1 and 2 serve on%n",
                answered.size(), answered.stream().filter(id -> spool.indexOf(id) >= 0).count());
    }

    private static String ask(String content) {
        return "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]}";
    }

    private HttpRequest request(int node, String route, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(bases.get(node) + route + "/openai/v1/chat/completions"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b.build();
    }

    private HttpResponse<String> post(int node, String route, String body, String... headers) throws IOException, InterruptedException {
        return http.send(request(node, route, body, headers), HttpResponse.BodyHandlers.ofString());
    }

    private CompletableFuture<HttpResponse<String>> postAsync(int node, String route, String body, String... headers) {
        return http.sendAsync(request(node, route, body, headers), HttpResponse.BodyHandlers.ofString());
    }
}
