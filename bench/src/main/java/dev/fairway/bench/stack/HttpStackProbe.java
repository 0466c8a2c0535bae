package dev.fairway.bench.stack;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The measurement behind the standalone gateway's HTTP stack: the same two endpoints on Vert.x (event
 * loops) and on the JDK's HttpServer with a virtual thread per exchange. {@code /hello} answers a
 * small JSON body (keep-alive throughput, measured with wrk from outside); {@code /sse} holds a
 * server-sent event stream open, sending one event a second. {@code streams N} opens N streams from
 * this process and prints the server's resident memory before and after.
 *
 * <pre>
 * java -cp ... HttpStackProbe serve vertx 9901      # or: serve jdk 9902
 * wrk -t2 -c64 -d10s --latency http://127.0.0.1:9901/hello
 * java -cp ... HttpStackProbe streams 9901 2000 &lt;server pid&gt;
 * </pre>
 */
public final class HttpStackProbe {
    private static final byte[] HELLO = "{\"ok\":true,\"message\":\"hello\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] EVENT = "data: {\"tick\":1}\n\n".getBytes(StandardCharsets.UTF_8);

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "serve" -> serve(args[1], Integer.parseInt(args[2]));
            case "streams" -> streams(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Long.parseLong(args[3]));
            default -> throw new IllegalArgumentException("usage: serve vertx|jdk PORT | streams PORT COUNT PID");
        }
    }

    private static void serve(String stack, int port) throws Exception {
        if (stack.equals("vertx")) {
            Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
            vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true)).requestHandler(req -> {
                if (req.path().equals("/sse")) {
                    var resp = req.response().setChunked(true).putHeader("content-type", "text/event-stream");
                    long timer = vertx.setPeriodic(1000, id -> resp.write(Buffer.buffer(EVENT)));
                    resp.write(Buffer.buffer(EVENT));
                    resp.closeHandler(v -> vertx.cancelTimer(timer));
                } else {
                    req.response().putHeader("content-type", "application/json").end(Buffer.buffer(HELLO));
                }
            }).listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
        } else {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/", ex -> {
                if (ex.getRequestURI().getPath().equals("/sse")) {
                    ex.getResponseHeaders().add("content-type", "text/event-stream");
                    ex.sendResponseHeaders(200, 0);
                    try (OutputStream out = ex.getResponseBody()) {
                        while (true) {
                            out.write(EVENT);
                            out.flush();
                            Thread.sleep(1000);
                        }
                    } catch (Exception closed) {
                        ex.close();
                    }
                } else {
                    ex.getResponseHeaders().add("content-type", "application/json");
                    ex.sendResponseHeaders(200, HELLO.length);
                    try (OutputStream out = ex.getResponseBody()) {
                        out.write(HELLO);
                    }
                }
            });
            server.start();
        }
        System.out.println("serving " + stack + " on " + port + " pid " + ProcessHandle.current().pid());
        Thread.currentThread().join();
    }

    private static void streams(int port, int count, long pid) throws Exception {
        long before = rssKb(pid);
        List<Socket> open = new ArrayList<>(count);
        byte[] request = ("GET /sse HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        int firstEvents = 0;
        for (int i = 0; i < count; i++) {
            Socket s = new Socket("127.0.0.1", port);
            s.setSoTimeout(5000);
            s.getOutputStream().write(request);
            open.add(s);
        }
        byte[] buf = new byte[512];
        for (Socket s : open) {
            if (s.getInputStream().read(buf) > 0) {
                firstEvents++;
            }
        }
        TimeUnit.SECONDS.sleep(3);
        long after = rssKb(pid);
        System.out.printf("streams=%d first_events=%d rss_before_kib=%d rss_with_streams_kib=%d per_stream_kib=%.1f%n",
                count, firstEvents, before, after, (after - before) / (double) count);
        for (Socket s : open) {
            s.close();
        }
    }

    private static long rssKb(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
