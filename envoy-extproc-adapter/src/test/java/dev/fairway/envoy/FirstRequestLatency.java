package dev.fairway.envoy;

import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * Measures how long the first ext_proc request takes right after the service starts: a fresh JVM
 * runs {@code fairway envoy-extproc} (with or without its warm-up), and this program, playing
 * Envoy with a client already warmed on a throwaway server of its own, times the answers to the
 * first stream's request_headers and request_body (the decision) on a direct route. Not a test:
 * run it as docs/benchmarks.md shows.
 *
 * <p>Arguments: the warm-up streams (0 for none), then any JVM options for the service.
 */
public final class FirstRequestLatency {
    private FirstRequestLatency() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("serve")) {
            System.exit(new CommandLine(new EnvoyExtProcCommand()).execute(java.util.Arrays.copyOfRange(args, 1, args.length)));
        }
        int warmUp = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        Path dir = Files.createTempDirectory("fairway-first-request");
        Path config = dir.resolve("fairway.yaml");
        Files.writeString(config, """
                custom_providers:
                  - {slug: fake, base_url: "http://127.0.0.1:9/v1", auth: bearer}
                providers:
                  fake: {api_key: sk-measure-only}
                logs: {spool_dir: "%1$s/spool"}
                cache_storage: {directory: "%1$s/cache"}
                server: {admin_port: 0}
                routes:
                  - {name: direct, prefix: /direct, quotas: [{name: rpm, limit: 100000, window: 60s}]}
                envoy:
                  decision_timeout_ms: 5000
                  routes:
                    direct: {mode: direct}
                """.formatted(dir));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        warmOwnClient();

        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        cmd.addAll(List.of(args).subList(Math.min(1, args.length), args.length));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), FirstRequestLatency.class.getName(), "serve",
                "--config", config.toString(), "--port", Integer.toString(port), "--warm-up", Integer.toString(warmUp)));
        long spawned = System.nanoTime();
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.contains("serving on")) {
                // Start-up output; the service is ready once it says where it serves.
            }
            long ready = System.nanoTime();
            try (EnvoySide envoy = EnvoySide.connect(port)) {
                EnvoySide.Stream s = envoy.open("direct", BodySendMode.BUFFERED, BodySendMode.STREAMED);
                long t0 = System.nanoTime();
                s.requestHeaders(Http.request("POST", "/direct/fake/v1/chat/completions", "content-type", "application/json"), false);
                s.reply();
                long t1 = System.nanoTime();
                s.requestBody(Http.utf8(Http.chatBody(false)), true);
                ProcessingResponse decided = s.reply();
                long t2 = System.nanoTime();
                System.out.printf("warm-up %d streams: ready %.0f ms after spawn; first request_headers answered in %.1f ms,"
                                + " its decision (request_body) in %.1f ms (forwarded: %s)%n",
                        warmUp, (ready - spawned) / 1e6, (t1 - t0) / 1e6, (t2 - t1) / 1e6, decided.hasRequestBody());
                s.halfClose();
            }
        } finally {
            child.destroy();
            child.waitFor();
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** The measuring side's own gRPC client code is warmed first, on a server of its own, so it is not measured. */
    private static void warmOwnClient() throws Exception {
        Server echo = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new ExternalProcessorGrpc.ExternalProcessorImplBase() {
                    @Override
                    public StreamObserver<ProcessingRequest> process(StreamObserver<ProcessingResponse> out) {
                        return new StreamObserver<>() {
                            @Override
                            public void onNext(ProcessingRequest r) {
                                out.onNext(r.hasRequestHeaders() ? Messages.CONTINUE_REQUEST_HEADERS : Messages.CONTINUE_REQUEST_BODY);
                            }

                            @Override
                            public void onError(Throwable t) {}

                            @Override
                            public void onCompleted() {
                                out.onCompleted();
                            }
                        };
                    }
                }).build().start();
        try (EnvoySide envoy = EnvoySide.connect(echo.getPort())) {
            for (int i = 0; i < 2000; i++) {
                EnvoySide.Stream s = envoy.open("direct", BodySendMode.BUFFERED, BodySendMode.STREAMED);
                s.requestHeaders(Http.request("POST", "/direct/fake/v1/chat/completions", "x-n", Integer.toString(i)), false);
                s.reply();
                s.requestBody(ByteString.copyFromUtf8(Http.chatBody(false)).toByteArray(), true);
                s.reply();
                s.halfClose();
                s.awaitClose();
            }
        } finally {
            echo.shutdownNow();
        }
    }
}
