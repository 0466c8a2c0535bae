package dev.fairway.envoy;

import com.google.protobuf.ByteString;
import dev.fairway.dispatch.HostRelay;
import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.http.Headers;
import dev.fairway.pipeline.Exchange;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.BodyMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.BodyResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.HeaderMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.StreamedBodyResponse;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Direct mode's view of the provider's answer as it passes through Envoy, through the core's
 * {@link HostRelay}: usage and cost metered from the raw answer, a {@code /compat} answer translated
 * for its OpenAI client, observers fed, the exchange completed exactly once however the stream ends.
 * Turns what the relay says into ext_proc answers: a header mutation for the head, and per body
 * message either CONTINUE (nothing rewritten) or a body mutation (STREAMED and BUFFERED: the message's
 * bytes replaced; FULL_DUPLEX_STREAMED: the bytes streamed back, as that mode forwards only those).
 * Called on the stream's serialized gRPC callbacks.
 */
final class ResponseTap {
    private static final Logger LOG = LoggerFactory.getLogger(ResponseTap.class);

    private final HostRelay relay;
    private final BodySendMode bodyMode;
    private boolean rewritesBody;

    ResponseTap(HostRelay relay, BodySendMode bodyMode) {
        this.relay = relay;
        this.bodyMode = bodyMode;
    }

    /**
     * Checks that a direct-mode answer can pass through this stream. A {@code /compat} answer from a
     * provider that does not speak OpenAI must be translated on its way back, which needs every byte
     * of the body: on a route whose response body mode does not send it, the request is refused
     * before it goes anywhere.
     *
     * @throws GatewayError 400 naming the route, its mode and the response body mode
     */
    static void check(Exchange exchange, String routeName, BodySendMode bodyMode) {
        if (!rewritable(bodyMode) && HostRelay.translates(exchange)) {
            String mode = bodyMode == null ? "unknown (Envoy sent no protocol_config)" : bodyMode.name();
            throw GatewayError.of(ErrorType.INVALID_REQUEST,
                    "route %s forwards in direct mode with response_body_mode %s, where the %s answer cannot be translated for /compat"
                            + " (expected: processing_mode.response_body_mode STREAMED, BUFFERED or FULL_DUPLEX_STREAMED, or envoy.routes.%s.mode: dispatcher)",
                    routeName, mode, exchange.target().provider().slug(), routeName)
                    .with("route", routeName).with("mode", "direct")
                    .with("response_body_mode", bodyMode == null ? "unknown" : bodyMode.name());
        }
    }

    /**
     * Whether Envoy lets the service rewrite the answer's body in {@code mode}: only when every
     * byte of it comes through (BUFFERED_PARTIAL passes what exceeds its buffer unseen, NONE sends
     * none; a null mode is an Envoy before 1.34 that sends no protocol_config, so the mode is unknown).
     */
    static boolean rewritable(BodySendMode mode) {
        return mode == BodySendMode.STREAMED || mode == BodySendMode.BUFFERED || mode == BodySendMode.FULL_DUPLEX_STREAMED;
    }

    Exchange exchange() {
        return relay.exchange();
    }

    boolean sawHeaders() {
        return relay.sawHead();
    }

    /** The answer to response_headers: the gateway's headers, and the fix-ups of a rewritten body. */
    ProcessingResponse headers(int status, Headers upstream) {
        HostRelay.Head head = relay.head(status, upstream);
        rewritesBody = head.rewritesBody();
        HeaderMutation.Builder m = Messages.setAll(head.set()).toBuilder();
        // The rewritten body's length is unknown up front; Envoy sends it chunked.
        head.remove().forEach(m::addRemoveHeaders);
        return Messages.responseHeaders(m.build());
    }

    /** The answer to one response_body message. */
    ProcessingResponse chunk(ByteString chunk, boolean endOfStream) {
        ByteBuffer in = chunk.asReadOnlyByteBuffer();
        ByteBuffer out = relay.chunk(in);
        ByteString outBytes = out == in ? chunk : ByteString.copyFrom(out);
        if (endOfStream) {
            ByteBuffer tail = relay.end();
            if (tail.hasRemaining()) {
                outBytes = outBytes.concat(ByteString.copyFrom(tail));
            }
        }
        return body(outBytes, endOfStream, !outBytes.equals(chunk));
    }

    /**
     * The answer ended with trailers. In FULL_DUPLEX_STREAMED what a rewrite still held goes out as
     * a last body piece (null otherwise); the other modes have answered every body message already.
     */
    ProcessingResponse trailers() {
        ByteBuffer tail = relay.end();
        if (!tail.hasRemaining()) {
            return null;
        }
        if (bodyMode == BodySendMode.FULL_DUPLEX_STREAMED) {
            return streamed(ByteString.copyFrom(tail), false);
        }
        LOG.warn("request {}: the answer ended with trailers, after its last body message; {} rewritten bytes were not"
                + " sent (upstream trailers end a STREAMED answer without end_of_stream on the body)",
                relay.exchange().logId(), tail.remaining());
        return null;
    }

    /** Envoy's side ended first (cancel, reset, close): the answer was cut. */
    void cut(String errorType) {
        relay.cut(errorType);
    }

    /** Envoy half-closed after the headers of an answer whose body it does not send (body mode NONE). */
    void endWithoutBody() {
        relay.end();
    }

    private ProcessingResponse body(ByteString bytes, boolean endOfStream, boolean changed) {
        if (bodyMode == BodySendMode.FULL_DUPLEX_STREAMED) {
            return streamed(bytes, endOfStream);
        }
        if (!rewritesBody || !changed) {
            return Messages.CONTINUE_RESPONSE_BODY;
        }
        BodyMutation mutation = bytes.isEmpty() ? BodyMutation.newBuilder().setClearBody(true).build()
                : BodyMutation.newBuilder().setBody(bytes).build();
        return ProcessingResponse.newBuilder().setResponseBody(BodyResponse.newBuilder()
                .setResponse(CommonResponse.newBuilder().setBodyMutation(mutation))).build();
    }

    private static ProcessingResponse streamed(ByteString bytes, boolean endOfStream) {
        return ProcessingResponse.newBuilder().setResponseBody(BodyResponse.newBuilder().setResponse(
                CommonResponse.newBuilder().setBodyMutation(BodyMutation.newBuilder().setStreamedResponse(
                        StreamedBodyResponse.newBuilder().setBody(bytes).setEndOfStream(endOfStream))))).build();
    }
}
