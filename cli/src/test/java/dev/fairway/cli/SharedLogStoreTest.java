package dev.fairway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fairway.logstore.PostgresFixture;
import dev.fairway.logstore.PostgresTests;
import dev.fairway.mock.MockOptions;
import dev.fairway.mock.MockProvider;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateway processes ({@code fairway serve}, each its own JVM, spool and feeder) writing to one
 * private PostgreSQL: each node's Logs API and analytics show both nodes' records, and the totals
 * equal the sum of what each node answered.
 */
@Timeout(120)
class SharedLogStoreTest {
    private static final String CONFIG = """
            server: {host: 127.0.0.1, port: 0, admin_port: %d}
            providers: {openai: {base_url: "%s/v1", api_key: "shared-store-key"}}
            logs: {spool_dir: "%s", store: {kind: postgres, url: "%s", user: "%s", node: "%s", batch_size: 20}}
            routes:
              - {name: plain, prefix: /plain}
            """;
    private static final int FROM_ONE = 37;
    private static final int FROM_TWO = 23;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void twoProcessesOnOnePostgresShowTheSumOfBoth(@TempDir Path dir) throws Exception {
        List<Process> nodes = new ArrayList<>();
        try (PostgresFixture pg = PostgresTests.server(); MockProvider mock = MockProvider.start(MockOptions.defaults())) {
            List<List<String>> urls = new ArrayList<>(); // {gateway, admin} per node
            for (int i = 1; i <= 2; i++) {
                Path node = Files.createDirectories(dir.resolve("node" + i));
                int adminPort;
                try (java.net.ServerSocket free = new java.net.ServerSocket(0)) { // admin_port 0 turns it off
                    adminPort = free.getLocalPort();
                }
                Files.writeString(node.resolve("fairway.yaml"), CONFIG.formatted(adminPort, mock.baseUrl(), node.resolve("spool"),
                        pg.url(), pg.user(), "node-" + i));
                nodes.add(ServeProcesses.start(node.resolve("fairway.yaml"), node));
            }
            for (int i = 0; i < nodes.size(); i++) {
                urls.add(ServeProcesses.await(nodes.get(i), Path.of("target", "shared-store-node" + (i + 1) + ".log"),
                        ServeProcesses.LISTENING, ServeProcesses.ADMIN));
            }
            String from = Instant.now().minusSeconds(60).toString();
            // Both nodes at once, so their feeders write to the shared tables concurrently.
            List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
            for (int i = 0; i < FROM_ONE + FROM_TWO; i++) {
                sent.add(ask(urls.get(i < FROM_ONE ? 0 : 1).get(0), "request " + i));
            }
            Set<String> answered = new HashSet<>();
            for (CompletableFuture<HttpResponse<String>> f : sent) {
                HttpResponse<String> r = f.join();
                assertThat(r.statusCode()).isEqualTo(200);
                answered.add(r.headers().firstValue("cf-aig-log-id").orElseThrow());
            }
            assertThat(answered).hasSize(FROM_ONE + FROM_TWO);

            for (List<String> node : urls) {
                String admin = node.get(1);
                Set<String> listed = awaitLogs(admin, FROM_ONE + FROM_TWO);
                assertThat(listed).as("GET /logs on %s", admin).isEqualTo(answered);
                String to = Instant.now().plusSeconds(60).toString();
                JsonNode totals = get(admin + "/analytics?route=plain&from=" + enc(from) + "&to=" + enc(to)).path("totals");
                assertThat(totals.path("requests").asLong()).as("GET /analytics on %s", admin).isEqualTo(FROM_ONE + FROM_TWO);
            }
            System.out.printf("shared store: 2 gateway processes, %d + %d requests, GET /logs and GET /analytics on each"
                    + " node report %d%n", FROM_ONE, FROM_TWO, FROM_ONE + FROM_TWO);
        } finally {
            nodes.forEach(Process::destroyForcibly);
        }
    }

    private CompletableFuture<HttpResponse<String>> ask(String base, String content) {
        String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]}";
        return http.sendAsync(HttpRequest.newBuilder(URI.create(base + "/plain/openai/v1/chat/completions"))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Every log id GET /logs lists for the route (all pages), once the store holds {@code expected} of them. */
    private Set<String> awaitLogs(String admin, int expected) throws Exception {
        Set<String> ids = new HashSet<>();
        for (int attempt = 0; attempt < 150; attempt++) { // the feeders poll the spools: bounded wait
            ids.clear();
            String cursor = null;
            do {
                JsonNode page = get(admin + "/logs?route=plain&limit=25" + (cursor == null ? "" : "&cursor=" + enc(cursor)));
                page.path("result").forEach(l -> ids.add(l.path("log_id").asText()));
                JsonNode next = page.path("result_info").path("next_cursor");
                cursor = next.isTextual() ? next.asText() : null;
            } while (cursor != null);
            if (ids.size() >= expected) {
                return ids;
            }
            Thread.sleep(100);
        }
        return ids;
    }

    private JsonNode get(String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("%s: %s", url, r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
