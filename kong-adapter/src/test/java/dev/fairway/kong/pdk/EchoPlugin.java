package dev.fairway.kong.pdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/** A small plugin whose access handler does what the request's x-mode header asks, to pin the server's behaviour. */
final class EchoPlugin implements KongPlugin<String> {
    private static final ObjectMapper JSON = new ObjectMapper();
    final ConcurrentLinkedQueue<Throwable> handlerExceptions = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<String> closed = new ConcurrentLinkedQueue<>();
    /** The "threads" mode's record: the thread the handler ran on before, between and after its PDK calls. */
    final ConcurrentLinkedQueue<Thread> handlerThreads = new ConcurrentLinkedQueue<>();
    /** The "slow" mode's handler counts this down, then waits for {@link #slowRelease} before it answers. */
    final java.util.concurrent.CountDownLatch slowEntered = new java.util.concurrent.CountDownLatch(1);
    final java.util.concurrent.CountDownLatch slowRelease = new java.util.concurrent.CountDownLatch(1);

    @Override
    public PluginInfo info() {
        return new PluginInfo("echo", "1.0.0", 10, List.of("access", "log"),
                Map.of("name", "echo", "fields", List.of()));
    }

    @Override
    public String start(String configJson) {
        try {
            JsonNode n = JSON.readTree(configJson);
            String greeting = n.path("greeting").asText("");
            if (greeting.isEmpty()) {
                throw new InvalidConfigException("greeting: must not be empty");
            }
            return greeting;
        } catch (java.io.IOException e) {
            throw new InvalidConfigException("not JSON");
        }
    }

    @Override
    public void close(String config) {
        closed.add(config);
    }

    @Override
    public void handle(String phase, String greeting, Kong kong) throws Exception {
        try {
            String mode = kong.request().getHeader("x-mode");
            switch (mode == null ? "" : mode) {
                case "digest" -> {
                    byte[] body = kong.request().getRawBody(0);
                    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
                    kong.response().exit(200, (body.length + " " + sha).getBytes(StandardCharsets.UTF_8), Map.of("x-greeting", greeting));
                }
                case "maps" -> {
                    Map<String, List<String>> headers = kong.request().getHeaders();
                    Map<String, List<String>> query = kong.request().getQuery();
                    Map<String, Object> consumer = kong.client().getConsumer();
                    kong.ctxShared().set("seen", "yes");
                    String text = headers.get("x-multi") + " " + query + " " + (consumer == null ? null : consumer.get("username"))
                            + " " + kong.ctxShared().get("seen") + " " + kong.nginx().getVar("request_id") + " " + kong.request().getPath();
                    kong.response().exit(200, text.getBytes(StandardCharsets.UTF_8), Map.of("x-multi", List.of("a", "b")));
                }
                case "body-without-limit" -> {
                    byte[] body = kong.request().getRawBody();
                    kong.response().exit(200, (body == null ? "nil" : body.length + " bytes").getBytes(StandardCharsets.UTF_8), null);
                }
                case "unknown-method" -> {
                    Object r = kong.call("kong.does.not.exist", 1);
                    kong.response().exit(200, String.valueOf(r).getBytes(StandardCharsets.UTF_8), null);
                }
                case "forward" -> {
                    kong.service().setTarget("127.0.0.1", 8080);
                    kong.service().request().setScheme("http");
                    kong.service().request().setHeader("x-greeting", greeting);
                }
                case "threads" -> {
                    handlerThreads.add(Thread.currentThread());
                    kong.request().getPath();
                    handlerThreads.add(Thread.currentThread());
                    kong.request().getPath();
                    handlerThreads.add(Thread.currentThread());
                }
                case "slow" -> {
                    slowEntered.countDown();
                    slowRelease.await();
                    kong.response().exit(200, new byte[0], null);
                }
                case "throw" -> throw new IllegalStateException("boom");
                case "call-after-exit" -> {
                    kong.response().exit(200, new byte[0], null);
                    kong.request().getPath();
                }
                default -> kong.log().serialize();
            }
        } catch (Exception | Error e) {
            handlerExceptions.add(e);
            throw e;
        }
    }
}
