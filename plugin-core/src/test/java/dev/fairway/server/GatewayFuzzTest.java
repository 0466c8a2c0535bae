package dev.fairway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.mock.MockOptions;
import dev.fairway.testing.GatewayHarness;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Malformed and random requests against the standalone gateway on loopback: a fixed seed, so a
 * failure names a case that replays; a count small enough for every build. Whatever arrives, the
 * gateway answers it as a client error (or closes the connection), never with a 500 of its own, a
 * stack trace or a Java class name, and it keeps no more heap afterwards than a small bound.
 */
class GatewayFuzzTest {
    private static final long SEED = 15;
    private static final int WARM_UP = 100;
    private static final int CASES = 400;
    private static final long RETAINED_HEAP_BOUND = 48L << 20;
    /** A Java frame, a qualified class name or a simple exception/error class name. */
    private static final Pattern LEAK = Pattern.compile(
            "\\bat [a-z][\\w$]*(\\.[\\w$]+)+\\(|\\b(java|javax|jdk|sun|io\\.vertx|io\\.netty|com\\.fasterxml|dev\\.fairway)\\.[a-z]+\\.|"
                    + "\\b[A-Z][A-Za-z]*(Exception|Error)\\b|StreamReadConstraints|Caused by");
    private static final List<String> PROVIDERS = List.of("openai", "anthropic", "google-ai-studio", "azure-openai", "aws-bedrock",
            "google-vertex-ai", "workers-ai", "compat", "mistral", "nope", "");
    private static final List<String> SEGMENTS = List.of("v1", "chat", "completions", "messages", "models", "..", ".", "%2e%2e",
            "%2F", "%00", "%0d%0a", "a%ZZ", "gemini-2.0-flash:generateContent", "r", "d", "model", "invoke", "bedrock-runtime",
            "us-east-1", "x".repeat(300), "~", "@cf", ";", "%C0%AE", "default", "acct");
    private static final List<String> HEADERS = List.of("cf-aig-cache-ttl", "cf-aig-skip-cache", "cf-aig-cache-key", "cf-aig-metadata",
            "cf-aig-request-timeout", "cf-aig-max-attempts", "cf-aig-retry-delay", "cf-aig-backoff", "cf-aig-collect-log",
            "cf-aig-event-id", "cf-aig-custom-cost", "cf-aig-authorization", "authorization", "x-api-key", "content-type",
            "cf-aig-step", "x-fairway-ticket", "accept-encoding", "cf-aig-byok-alias", "cf-aig-zdr");
    private static final List<String> VALUES = List.of("", "0", "-1", "60", "true", "maybe", "{", "{\"a\":1}", "[]", "null",
            "{\"k\":{\"nested\":1}}", "9".repeat(40), "application/json", "text/plain", "multipart/form-data; boundary=x",
            "Bearer ", "Bearer x", "{" + "\"a\":[".repeat(200), "[".repeat(2_000), "exponential", "1e400", "\u00e9\u00e8", "x".repeat(9_000));

    private static GatewayHarness harness;

    @BeforeAll
    static void start() {
        // Every provider the cases can name answers from the mock: nothing leaves the loopback interface.
        harness = GatewayHarness.start("""
                providers:
                  openai: {base_url: "MOCK/v1", api_key: "sk-test-openai"}
                  anthropic: {base_url: "MOCK", api_key: "sk-test-anthropic"}
                  google-ai-studio: {base_url: "MOCK", api_key: "test-google"}
                  google-vertex-ai: {base_url: "MOCK", api_key: "test-vertex"}
                  azure-openai: {base_url: "MOCK/openai/deployments/{deployment}", api_key: "test-azure"}
                  workers-ai: {base_url: "MOCK/client/v4/accounts/{account_id}/ai/run", api_key: "test-cf"}
                  mistral: {base_url: "MOCK/v1"}
                  aws-bedrock: {base_url: "MOCK"}
                routes:
                  - {name: main, prefix: /, max_body_bytes: 65536}
                  - {name: guarded, prefix: /g, policy: {denied_models: [secret]}, cache: {enabled: true}}
                """, MockOptions.defaults());
        for (String slug : PROVIDERS) {
            assertThat(slug.isEmpty() || slug.equals("compat") || slug.equals("nope")
                    || harness.fairway().config().providers().containsKey(slug)).as("%s is on the mock", slug).isTrue();
        }
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void malformedAndRandomRequestsGetNoServerErrorNoInternalsAndLeaveNoHeapBehind() {
        Random random = new Random(SEED);
        for (int i = 0; i < WARM_UP; i++) {
            sendCase(i, random);
        }
        long before = retainedHeap();
        for (int i = WARM_UP; i < WARM_UP + CASES; i++) {
            sendCase(i, random);
        }
        long growth = retainedHeap() - before;
        assertThat(growth).as("heap retained after %d fuzzed requests", CASES).isLessThan(RETAINED_HEAP_BOUND);
        assertThat(harness.fairway().bodyBytesInFlight()).isZero();
    }

    private static void sendCase(int index, Random random) {
        Case c = generate(random);
        RawHttp.Response r;
        try (RawHttp http = new RawHttp(harness.fairway().port())) {
            http.send(c.bytes);
            if (c.halfClose) {
                http.endOutput();
            }
            r = http.readOrClosed();
        } catch (java.io.UncheckedIOException e) {
            throw new AssertionError("case " + index + " (seed " + SEED + "): " + c.describe() + " -> " + e.getCause(), e);
        }
        if (r == null) {
            return;
        }
        String what = "case " + index + " (seed " + SEED + "): " + c.describe() + " -> " + r.status() + " " + shorten(r.body());
        assertThat(r.status()).as(what).isNotEqualTo(500);
        assertThat(r.body()).as(what).doesNotContain("internal_error");
        assertThat(LEAK.matcher(r.head() + r.body()).find()).as(what).isFalse();
    }

    /** Heap in use after collections settle; the gateway runs in this JVM. */
    private static long retainedHeap() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
        }
        return least;
    }

    private record Case(byte[] bytes, boolean halfClose) {
        String describe() {
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            return shorten(text.replace("\r", "\\r").replace("\n", "\\n")) + (halfClose ? " [half-closed]" : "");
        }
    }

    private static String shorten(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    private static <T> T pick(Random random, List<T> from) {
        return from.get(random.nextInt(from.size()));
    }

    private static Case generate(Random random) {
        String method = pick(random, List.of("POST", "POST", "POST", "GET", "PUT", "DELETE", "PATCH", "OPTIONS", "BREW"));
        String path = path(random);
        byte[] body = body(random);
        StringBuilder head = new StringBuilder();
        int shape = random.nextInt(20);
        switch (shape) {
            case 0 -> head.append("GARBAGE\r\n");
            case 1 -> head.append(method).append(" http://127.0.0.1:1").append(path).append(" HTTP/1.1\r\n");
            case 2 -> head.append(method).append(' ').append(path).append(" HTTP/1.0\r\n");
            case 3 -> head.append(method).append(' ').append(path).append(" HTTP/9.9\r\n");
            default -> head.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        }
        head.append("host: 127.0.0.1\r\nconnection: close\r\n");
        int headers = random.nextInt(5);
        for (int i = 0; i < headers; i++) {
            head.append(pick(random, HEADERS)).append(": ").append(pick(random, VALUES)).append("\r\n");
        }
        boolean halfClose = false;
        switch (random.nextInt(12)) {
            case 0 -> head.append("content-length: ").append(pick(random, List.of("abc", "-1", "1e3", "99999999999999999999"))).append("\r\n");
            case 1 -> head.append("content-length: ").append(body.length).append("\r\ncontent-length: ").append(body.length + 1).append("\r\n");
            case 2 -> head.append("no colon here\r\n").append("content-length: ").append(body.length).append("\r\n");
            case 3 -> {
                // Announces more than follows, then ends the stream.
                head.append("content-length: ").append(body.length + 1 + random.nextInt(10_000_000)).append("\r\n");
                halfClose = true;
            }
            case 4 -> head.append("x-long: ").append("v".repeat(70 * 1024)).append("\r\ncontent-length: ").append(body.length).append("\r\n");
            default -> head.append("content-length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
        out.writeBytes(body);
        return new Case(out.toByteArray(), halfClose);
    }

    private static String path(Random random) {
        StringBuilder p = new StringBuilder();
        switch (random.nextInt(6)) {
            case 0 -> p.append("/v1/").append(pick(random, SEGMENTS)).append('/').append(pick(random, List.of("default", "nope", "..")));
            case 1 -> p.append("/g");
            default -> { }
        }
        p.append('/').append(pick(random, PROVIDERS));
        int segments = random.nextInt(6);
        for (int i = 0; i < segments; i++) {
            p.append('/').append(pick(random, SEGMENTS));
        }
        if (random.nextInt(4) == 0) {
            p.append('?').append(pick(random, List.of("a=1", "alt=sse", "%zz", "x=" + "y".repeat(200), "&&", "#frag")));
        }
        return p.toString();
    }

    private static byte[] body(Random random) {
        String model = pick(random, List.of("gpt-4o-mini", "secret", "google-ai-studio/gemini-2.0-flash/../gemini-2.5-pro",
                "google-ai-studio/../../x?", "anthropic/claude", "m".repeat(5_000), "a\\u0000b", "workers-ai/@cf/x", "openai/", "/"));
        String text = switch (random.nextInt(10)) {
            case 0 -> "";
            case 1 -> "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
            case 2 -> "[".repeat(random.nextInt(3_000)) + "]";
            case 3 -> "{\"model\":" + pick(random, List.of("1", "null", "[]", "{}", "true", "1e999")) + ",\"stream\":\"yes\"}";
            case 4 -> "[{\"provider\":\"" + pick(random, PROVIDERS) + "\",\"endpoint\":\"" + pick(random, SEGMENTS)
                    + "\",\"headers\":{\"" + pick(random, List.of("content-length", "host", "x-a\\r\\nb", "te", "x-ok")) + "\":\""
                    + pick(random, List.of("0", "a\\r\\nb: c", "evil", "\\u0000")) + "\"},\"query\":{\"model\":\"" + model
                    + "\"},\"config\":{\"maxAttempts\":" + pick(random, List.of("1", "99", "\"x\"", "-1")) + "}}]";
            case 5 -> "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"fuzz\"}],\"stream\":" + random.nextBoolean() + "}";
            case 6 -> "{\"a\":" + "1".repeat(random.nextInt(2_000) + 1) + "}";
            default -> null;
        };
        if (text != null) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        byte[] raw = new byte[random.nextInt(2_048)];
        random.nextBytes(raw);
        return raw;
    }
}
