package dev.fairway.envoy;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpTrailers;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProtocolConfiguration;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Plays Envoy's ext_proc filter (envoyproxy/envoy source/extensions/filters/http/ext_proc) against
 * the service over a real gRPC channel, message by message as the filter sends them. The facts it
 * follows are in reference/envoy.md s.1 and external_processor.proto:
 * <ul>
 *   <li>one stream per HTTP request; the route's grpc_initial_metadata on the call;</li>
 *   <li>protocol_config on the first message only (Envoy 1.34+);</li>
 *   <li>request headers first, and the body only after their response (the default,
 *       send_body_without_waiting_for_header_response: false);</li>
 *   <li>BUFFERED: the whole body in one message, end_of_stream false when trailers follow;</li>
 *   <li>STREAMED / FULL_DUPLEX_STREAMED: one message per chunk as it arrives, without waiting for
 *       the previous chunk's response; end_of_stream on the last chunk, or trailers after it;</li>
 *   <li>trailers only with trailer mode SEND; the server answers every message exactly once, in order.</li>
 * </ul>
 */
final class EnvoySide implements AutoCloseable {
    private static final long WAIT_SECONDS = 20;

    private final ManagedChannel channel;

    private EnvoySide(ManagedChannel channel) {
        this.channel = channel;
    }

    static EnvoySide connect(int port) {
        return new EnvoySide(NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
                // Envoy's EnvoyGrpc max_receive_message_length defaults to unlimited (reference s.1.5).
                .maxInboundMessageSize(Integer.MAX_VALUE)
                .build());
    }

    static EnvoySide over(ManagedChannel channel) {
        return new EnvoySide(channel);
    }

    /** Opens the stream for one HTTP request on an Envoy route whose override sends {@code route}. */
    Stream open(String route, BodySendMode requestBody, BodySendMode responseBody) {
        Metadata md = new Metadata();
        if (route != null) {
            md.put(Metadata.Key.of("x-fairway-route", Metadata.ASCII_STRING_MARSHALLER), route);
        }
        Stream s = new Stream(ProtocolConfiguration.newBuilder()
                .setRequestBodyMode(requestBody).setResponseBodyMode(responseBody).build());
        ExternalProcessorGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md)).process(s);
        return s;
    }

    Stream open(String route) {
        return open(route, BodySendMode.BUFFERED, BodySendMode.STREAMED);
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static HeaderMap headerMap(Map<String, String> pseudo, List<String[]> regular) {
        HeaderMap.Builder b = HeaderMap.newBuilder();
        pseudo.forEach((k, v) -> b.addHeaders(header(k, v)));
        regular.forEach(h -> b.addHeaders(header(h[0], h[1])));
        return b.build();
    }

    /**
     * The bytes Envoy passes on for one body message after the service's answer to it
     * (mutation_utils.cc, applyBodyMutations; FULL_DUPLEX_STREAMED forwards only streamed_response).
     */
    static byte[] bodyAfter(ProcessingResponse r, byte[] chunk) {
        var common = (r.hasResponseBody() ? r.getResponseBody() : r.getRequestBody()).getResponse();
        if (!common.hasBodyMutation()) {
            return chunk;
        }
        var m = common.getBodyMutation();
        return switch (m.getMutationCase()) {
            case CLEAR_BODY -> m.getClearBody() ? new byte[0] : chunk;
            case BODY -> m.getBody().toByteArray();
            case STREAMED_RESPONSE -> m.getStreamedResponse().getBody().toByteArray();
            default -> chunk;
        };
    }

    private static HeaderValue header(String k, String v) {
        // Envoy lower-cases keys and sends values in raw_value.
        return HeaderValue.newBuilder().setKey(k).setRawValue(ByteString.copyFrom(v, StandardCharsets.ISO_8859_1)).build();
    }

    /** One ext_proc stream, as the filter drives it. */
    static final class Stream implements ClientResponseObserver<ProcessingRequest, ProcessingResponse> {
        private final ProtocolConfiguration protocol;
        private final BlockingQueue<ProcessingResponse> replies = new LinkedBlockingQueue<>();
        private final CompletableFuture<Status> closed = new CompletableFuture<>();
        private ClientCallStreamObserver<ProcessingRequest> requests;
        private boolean first = true;
        /** When set, responses go here, on the channel's thread, instead of into {@link #reply()}'s queue. */
        private volatile java.util.function.Consumer<ProcessingResponse> listener;

        private Stream(ProtocolConfiguration protocol) {
            this.protocol = protocol;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<ProcessingRequest> requestStream) {
            this.requests = requestStream;
        }

        @Override
        public void onNext(ProcessingResponse value) {
            java.util.function.Consumer<ProcessingResponse> l = listener;
            if (l != null) {
                l.accept(value);
            } else {
                replies.add(value);
            }
        }

        /**
         * Hands every later response to {@code l} on the thread that received it (with a
         * direct-executor channel, the transport's event loop), as Envoy's worker handles them on
         * its own event loop: nothing waits in {@link #reply()}. Set it before sending.
         */
        void onReply(java.util.function.Consumer<ProcessingResponse> l) {
            this.listener = requireNonNull(l, "l");
        }

        /** Completes when the server has closed the stream. */
        CompletableFuture<Status> closed() {
            return closed;
        }

        @Override
        public void onError(Throwable t) {
            closed.complete(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            closed.complete(Status.OK);
        }

        void send(ProcessingRequest.Builder request) {
            if (first) {
                request.setProtocolConfig(protocol);
                first = false;
            }
            requests.onNext(request.build());
        }

        void requestHeaders(HeaderMap headers, boolean endOfStream) {
            send(ProcessingRequest.newBuilder().setRequestHeaders(HttpHeaders.newBuilder().setHeaders(headers).setEndOfStream(endOfStream)));
        }

        void requestBody(byte[] body, boolean endOfStream) {
            send(ProcessingRequest.newBuilder().setRequestBody(HttpBody.newBuilder().setBody(ByteString.copyFrom(body)).setEndOfStream(endOfStream)));
        }

        void requestTrailers(HeaderMap trailers) {
            send(ProcessingRequest.newBuilder().setRequestTrailers(HttpTrailers.newBuilder().setTrailers(trailers)));
        }

        void responseHeaders(HeaderMap headers, boolean endOfStream) {
            send(ProcessingRequest.newBuilder().setResponseHeaders(HttpHeaders.newBuilder().setHeaders(headers).setEndOfStream(endOfStream)));
        }

        void responseBody(byte[] chunk, boolean endOfStream) {
            send(ProcessingRequest.newBuilder().setResponseBody(HttpBody.newBuilder().setBody(ByteString.copyFrom(chunk)).setEndOfStream(endOfStream)));
        }

        void responseTrailers(HeaderMap trailers) {
            send(ProcessingRequest.newBuilder().setResponseTrailers(HttpTrailers.newBuilder().setTrailers(trailers)));
        }

        /** The next response; fails when none comes (Envoy would time the message out). */
        ProcessingResponse reply() throws InterruptedException {
            ProcessingResponse r = replies.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(r).as("a response to the last message").isNotNull();
            return r;
        }

        /** Envoy is done with the stream: half-close, as the filter does when the request ends. */
        void halfClose() {
            requests.onCompleted();
        }

        /** The downstream client went away: Envoy resets the side stream. */
        void cancel() {
            requests.cancel("downstream reset", null);
        }

        Status awaitClose() throws Exception {
            return closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
        }

        /** Responses received beyond the ones read: there must be none after a close. */
        int unread() {
            return replies.size();
        }
    }
}
