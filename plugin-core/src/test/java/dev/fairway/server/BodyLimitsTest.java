package dev.fairway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.mock.MockOptions;
import dev.fairway.testing.GatewayHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Request bodies cost the gateway what clients really send, never what they announce. */
class BodyLimitsTest {
    private static final String ROUTES = """
            routes:
              - {name: small, prefix: /small, max_body_bytes: 1024}
              - {name: big, prefix: /, max_body_bytes: 20971520}
            """;
    private GatewayHarness harness;

    @AfterEach
    void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    private void start(long budget) {
        harness = GatewayHarness.start("server: {port: 0, admin_port: 0, max_inflight_body_bytes: " + budget + "}\n" + ROUTES,
                MockOptions.defaults());
    }

    private static String head(String path, long contentLength) {
        return "POST " + path + " HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: " + contentLength + "\r\n\r\n";
    }

    private static void awaitUntil(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    @Test
    void aDeclaredLengthOverTheRoutesOwnLimitIsA413BeforeAnyByteIsRead() {
        start(1 << 20);
        try (RawHttp c = new RawHttp(harness.fairway().port())) {
            // Nothing of the body is ever sent: the answer cannot wait for it.
            RawHttp.Response r = c.send(head("/small/openai/v1/chat/completions", 5_000)).read();
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.body()).contains("\"type\":\"payload_too_large\"", "\"limit\":1024");
        }
    }

    @Test
    void announcedLengthsReserveNothingOnlyBytesThatArrive() {
        start(64L << 20);
        int connections = 40;
        List<RawHttp> open = new ArrayList<>();
        try {
            for (int i = 0; i < connections; i++) {
                // 10 MB announced, one byte sent.
                open.add(new RawHttp(harness.fairway().port()).send(head("/openai/v1/chat/completions", 10_485_760) + "{"));
            }
            long firstBuffers = (long) connections * BodyReader.FIRST_CAPACITY;
            awaitUntil(() -> harness.fairway().bodyBytesInFlight() >= firstBuffers, "every connection's first byte arrived");
            assertThat(harness.fairway().bodyBytesInFlight()).isEqualTo(firstBuffers);
        } finally {
            open.forEach(RawHttp::close);
        }
        awaitUntil(() -> harness.fairway().bodyBytesInFlight() == 0, "closed connections gave their bytes back");
    }

    @Test
    void bodiesPastTheInFlightBudgetAre503AndTheBudgetRecovers() {
        start(64 * 1024);
        String ask = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(29_900) + "\"}]}";
        try (RawHttp holder = new RawHttp(harness.fairway().port())) {
            holder.send(head("/openai/v1/chat/completions", 60_000) + "{\"pad\":\"" + "y".repeat(40_000));
            awaitUntil(() -> harness.fairway().bodyBytesInFlight() >= 40_000, "the held body arrived");
            try (RawHttp refused = new RawHttp(harness.fairway().port())) {
                RawHttp.Response r = refused.send(head("/openai/v1/chat/completions", ask.length()) + ask).read();
                assertThat(r.status()).isEqualTo(503);
                assertThat(r.body()).contains("\"type\":\"service_unavailable\"", "server.max_inflight_body_bytes");
            }
        }
        awaitUntil(() -> harness.fairway().bodyBytesInFlight() == 0, "every body's bytes were given back");
        try (RawHttp again = new RawHttp(harness.fairway().port())) {
            RawHttp.Response r = again.send(head("/openai/v1/chat/completions", ask.length()) + ask).read();
            assertThat(r.status()).isEqualTo(200);
        }
        awaitUntil(() -> harness.fairway().bodyBytesInFlight() == 0, "the answered body's bytes were given back");
    }

    @Test
    void aClientThatLeavesWhileItsRequestIsUpstreamGivesItsBytesBack() {
        start(1 << 20);
        String ask = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"slow\"}]}";
        int before = harness.mock().requestCount();
        try (RawHttp c = new RawHttp(harness.fairway().port())) {
            c.send("POST /openai/v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n"
                    + "x-mock-delay-ms: 2000\r\ncontent-length: " + ask.length() + "\r\n\r\n" + ask);
            awaitUntil(() -> harness.mock().requestCount() > before, "the request reached the provider");
            assertThat(harness.fairway().bodyBytesInFlight()).isEqualTo(ask.length());
        }
        awaitUntil(() -> harness.fairway().bodyBytesInFlight() == 0, "the departed client's body was given back");
    }
}
