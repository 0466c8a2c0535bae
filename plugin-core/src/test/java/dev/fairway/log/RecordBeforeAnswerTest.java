package dev.fairway.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.mock.MockOptions;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.Stage;
import dev.fairway.pipeline.Step;
import dev.fairway.testing.GatewayHarness;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, item 17: with logging.record_before_answer, a client never holds a whole answer whose
 * record is not yet on disk, so SIGKILL cannot lose the record of an answered request.
 */
class RecordBeforeAnswerTest {
    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    /** A step that holds the answer's end until the test releases it. */
    private static final class Holding implements Stage {
        final CompletableFuture<Void> release = new CompletableFuture<>();
        final CountDownLatch completed = new CountDownLatch(1);

        @Override
        public String name() {
            return "holding";
        }

        @Override
        public Step open(Exchange exchange) {
            return new Step() {
                @Override
                public void afterCompletion(dev.fairway.pipeline.Completion c) {
                    completed.countDown();
                }

                @Override
                public boolean holdsAnswerEnd() {
                    return true;
                }

                @Override
                public CompletableFuture<Void> durable() {
                    return release;
                }
            };
        }
    }

    @Test
    void theLastBytesWaitForTheHoldingStep() throws Exception {
        for (String extra : new String[] {"", "\"stream\":true,"}) {
            Holding holding = new Holding();
            try (GatewayHarness h = GatewayHarness.start("", MockOptions.defaults(), b -> b.stage(holding))) {
                CompletableFuture<HttpResponse<String>> answer = h.http().sendAsync(HttpRequest.newBuilder(
                                URI.create(h.baseUrl() + "/openai/v1/chat/completions")).timeout(Duration.ofSeconds(30))
                        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(CHAT.replace("{\"model\"", "{" + extra + "\"model\"")))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(holding.completed.await(20, TimeUnit.SECONDS)).isTrue();
                // The exchange is complete upstream-side, yet the client does not have the whole answer.
                assertThat(answer).as(extra).failsWithin(1, TimeUnit.SECONDS);
                holding.release.complete(null);
                HttpResponse<String> r = answer.get(20, TimeUnit.SECONDS);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).as(extra).contains(extra.isEmpty() ? "\"chat.completion\"" : "[DONE]");
            }
        }
    }

    @Test
    void aRecordIsOnDiskWhenTheAnswerArrives() throws IOException {
        String spool = GatewayHarness.tempDir("fairway-durable");
        try (GatewayHarness h = GatewayHarness.start("""
                logs: {spool_dir: '%s', fsync: never}
                routes: [{name: r, logging: {record_before_answer: true}}]
                """.formatted(spool), MockOptions.defaults())) {
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> ok = h.post("/openai/v1/chat/completions", CHAT);
                String logId = ok.headers().firstValue("cf-aig-log-id").orElseThrow();
                assertThat(spooled(spool)).contains("\"log_id\":\"" + logId + "\"");
                HttpResponse<String> refused = h.post("/nope/v1/chat/completions", CHAT);
                assertThat(refused.statusCode()).isEqualTo(404);
            }
        }
    }

    private static String spooled(String dir) throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(Path.of(dir))) {
            for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".ndjson")).toList()) {
                all.append(Files.readString(p));
            }
        }
        return all.toString();
    }
}
