package dev.fairway.envoy;

import com.google.protobuf.ByteString;
import dev.fairway.Fairway;
import dev.fairway.Rehearsal;
import dev.fairway.config.RouteConfig;
import dev.fairway.dispatch.TicketBook;
import dev.fairway.pipeline.Completion;
import dev.fairway.pipeline.Exchange;
import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.HeaderMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProtocolConfiguration;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warms the decision path before the service's port opens, so that the first request Envoy sends
 * is answered within its message_timeout (a cold JVM took about 0.7 s). Plays Envoy for synthetic
 * requests over a loopback gRPC connection to a throwaway server, through the same service,
 * processor and core code as real ones, but on the core's {@link Rehearsal}: no log record, no quota
 * charge, no ticket or cache entry of the real process, and no upstream call (in direct mode the
 * provider's answer is played here too; in dispatcher mode the ticket is redeemed here).
 */
final class WarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(WarmUp.class);
    /** A safety net only: the first streams load classes and may be slow on a busy machine. */
    private static final long STEP_SECONDS = 30;
    private static final String USAGE = "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}";

    /** How the synthetic streams ended, per kind of answer. */
    record Result(int streams, int forwarded, int answered, int failed, long nanos) {}

    private WarmUp() {}

    /** Runs {@code streams} synthetic streams, spread over every route (JSON and streamed, provider path and /compat). */
    static Result run(Fairway fairway, ExtProcConfig config, ScheduledExecutorService timer, int streams) {
        long start = System.nanoTime();
        int forwarded = 0;
        int answered = 0;
        int failed = 0;
        try (Rehearsal rehearsal = fairway.rehearsal()) {
            Processor processor = new Processor(rehearsal.gateway(), rehearsal.dispatcher(), config, timer);
            ExtProcService service = new ExtProcService(processor);
            Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                    .addService(ServerInterceptors.intercept(service, service.routeMetadata())).build().start();
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
            try {
                List<Sample> samples = samples(config);
                for (int i = 0; i < streams; i++) {
                    switch (play(channel, samples.get(i % samples.size()), config.envoy(), rehearsal.dispatcher().tickets())) {
                        case FORWARDED -> forwarded++;
                        case ANSWERED -> answered++;
                        case FAILED -> failed++;
                    }
                }
            } finally {
                channel.shutdownNow();
                server.shutdownNow();
                channel.awaitTermination(STEP_SECONDS, TimeUnit.SECONDS);
                server.awaitTermination(STEP_SECONDS, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            LOG.warn("warm-up skipped: cannot listen on a loopback port: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Result r = new Result(forwarded + answered + failed, forwarded, answered, failed, System.nanoTime() - start);
        LOG.info("warm-up: {} synthetic streams ({} forwarded, {} answered, {} failed) in {} ms", r.streams(), r.forwarded(),
                r.answered(), r.failed(), TimeUnit.NANOSECONDS.toMillis(r.nanos()));
        return r;
    }

    private enum Outcome { FORWARDED, ANSWERED, FAILED }

    private record Sample(String route, String path, boolean stream, byte[] body, boolean direct) {}

    /** Per route: a chat completion on a provider path and on /compat, each JSON and streamed. */
    private static List<Sample> samples(ExtProcConfig config) {
        List<Sample> out = new ArrayList<>();
        for (RouteConfig r : config.gateway().routes()) {
            String prefix = r.prefix().endsWith("/") ? r.prefix().substring(0, r.prefix().length() - 1) : r.prefix();
            String slug = provider(config, r);
            boolean direct = config.envoy().route(r.name()).mode() == ForwardMode.DIRECT;
            for (boolean stream : new boolean[] {false, true}) {
                out.add(new Sample(r.name(), prefix + "/" + slug + "/v1/chat/completions", stream, chat("warm-up-model", stream), direct));
                out.add(new Sample(r.name(), prefix + "/compat/chat/completions", stream, chat(slug + "/warm-up-model", stream), direct));
            }
        }
        return out;
    }

    private static String provider(ExtProcConfig config, RouteConfig r) {
        if (!r.providers().isEmpty()) {
            return r.providers().keySet().iterator().next();
        }
        if (!config.gateway().providers().isEmpty()) {
            return config.gateway().providers().keySet().iterator().next();
        }
        return config.gateway().customProviders().isEmpty() ? "openai" : config.gateway().customProviders().get(0).slug();
    }

    private static byte[] chat(String model, boolean stream) {
        return ("{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"max_tokens\":16,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"warm-up\"}]}").getBytes(StandardCharsets.UTF_8);
    }

    /** One stream as Envoy drives it: request headers, body, and in direct mode the provider's answer. */
    private static Outcome play(ManagedChannel channel, Sample s, EnvoySettings settings, TicketBook tickets) throws InterruptedException {
        Metadata md = new Metadata();
        md.put(Metadata.Key.of(settings.routeMetadata(), Metadata.ASCII_STRING_MARSHALLER), s.route());
        BlockingQueue<ProcessingResponse> replies = new LinkedBlockingQueue<>();
        StreamObserver<ProcessingRequest> requests = ExternalProcessorGrpc.newStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md)).process(new StreamObserver<>() {
                    @Override
                    public void onNext(ProcessingResponse value) {
                        replies.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        LOG.debug("warm-up stream failed: {}", t.toString());
                    }

                    @Override
                    public void onCompleted() {}
                });
        try {
            requests.onNext(ProcessingRequest.newBuilder()
                    .setProtocolConfig(ProtocolConfiguration.newBuilder().setRequestBodyMode(BodySendMode.BUFFERED)
                            .setResponseBodyMode(BodySendMode.STREAMED))
                    .setRequestHeaders(HttpHeaders.newBuilder().setHeaders(headers(":method", "POST", ":path", s.path(),
                            ":authority", "warm-up.invalid", "content-type", "application/json"))).build());
            ProcessingResponse first = replies.poll(STEP_SECONDS, TimeUnit.SECONDS);
            if (first == null || first.hasImmediateResponse()) {
                return first == null ? Outcome.FAILED : Outcome.ANSWERED;
            }
            requests.onNext(ProcessingRequest.newBuilder().setRequestBody(HttpBody.newBuilder()
                    .setBody(ByteString.copyFrom(s.body())).setEndOfStream(true)).build());
            ProcessingResponse decided = replies.poll(STEP_SECONDS, TimeUnit.SECONDS);
            if (decided == null || decided.hasImmediateResponse()) {
                return decided == null ? Outcome.FAILED : Outcome.ANSWERED;
            }
            if (!s.direct()) {
                // The dispatcher redeems the ticket in a real process; here nobody else will.
                String ticket = setValue(decided.getRequestBody().getResponse().getHeaderMutation(), TicketBook.HEADER);
                Exchange e = ticket == null ? null : tickets.redeem(ticket);
                if (e != null) {
                    e.complete(Completion.unsent(200, null, e.elapsedNanos()));
                }
                return Outcome.FORWARDED;
            }
            answer(requests, replies, s.stream());
            return Outcome.FORWARDED;
        } finally {
            requests.onCompleted();
        }
    }

    /** Plays an OpenAI-shaped provider answer through the response phases. */
    private static void answer(StreamObserver<ProcessingRequest> requests, BlockingQueue<ProcessingResponse> replies, boolean stream)
            throws InterruptedException {
        String body = stream
                ? "data: {\"choices\":[{\"delta\":{\"content\":\"ok\"}}]}\n\ndata: {\"choices\":[]," + USAGE + "}\n\ndata: [DONE]\n\n"
                : "{\"id\":\"warm-up\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                        + "\"content\":\"ok\"},\"finish_reason\":\"stop\"}]," + USAGE + "}";
        requests.onNext(ProcessingRequest.newBuilder().setResponseHeaders(HttpHeaders.newBuilder().setHeaders(
                headers(":status", "200", "content-type", stream ? "text/event-stream" : "application/json"))).build());
        replies.poll(STEP_SECONDS, TimeUnit.SECONDS);
        requests.onNext(ProcessingRequest.newBuilder().setResponseBody(HttpBody.newBuilder()
                .setBody(ByteString.copyFromUtf8(body)).setEndOfStream(true)).build());
        replies.poll(STEP_SECONDS, TimeUnit.SECONDS);
    }

    private static HeaderMap headers(String... kv) {
        HeaderMap.Builder b = HeaderMap.newBuilder();
        for (int i = 0; i < kv.length; i += 2) {
            b.addHeaders(HeaderValue.newBuilder().setKey(kv[i]).setRawValue(ByteString.copyFromUtf8(kv[i + 1])));
        }
        return b.build();
    }

    private static String setValue(HeaderMutation m, String name) {
        for (HeaderValueOption o : m.getSetHeadersList()) {
            if (o.getHeader().getKey().equals(name)) {
                return o.getHeader().getRawValue().toStringUtf8();
            }
        }
        return null;
    }
}
