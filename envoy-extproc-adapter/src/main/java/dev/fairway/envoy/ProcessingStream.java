package dev.fairway.envoy;

import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.host.HostBridge;
import dev.fairway.host.HostCall;
import dev.fairway.host.HostResult;
import dev.fairway.host.Via;
import dev.fairway.http.Headers;
import dev.fairway.pipeline.Completion;
import dev.fairway.pipeline.Decision;
import dev.fairway.pipeline.GatewayRequest;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ext_proc stream, that is one HTTP request through Envoy (external_processor.proto: "one
 * bidirectional stream per HTTP request"). Request headers are acknowledged at once; the whole
 * request (headers plus the BUFFERED body) goes to the core, whose decision becomes an
 * ImmediateResponse or forwarding mutations. In direct mode the response is observed on its way to
 * the client, each message answered as soon as it arrives.
 *
 * <p>gRPC delivers this observer's callbacks one at a time; decisions complete on other threads,
 * so the state they share is guarded by {@code this}.
 */
final class ProcessingStream implements StreamObserver<ProcessingRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessingStream.class);

    private final Processor processor;
    private final String routeName;
    private final ReplyQueue replies;

    // Read and written by the serialized gRPC callbacks only.
    private BodySendMode requestBodyMode = BodySendMode.BUFFERED;
    private BodySendMode responseBodyMode;
    private Processor.Route route;
    private String method;
    private String path;
    private Headers headers;
    private boolean decisionStarted;

    // Shared with decision callbacks.
    private boolean gone;
    private HostCall call;
    private ResponseTap tap;

    ProcessingStream(Processor processor, String routeName, ReplyQueue replies) {
        this.processor = processor;
        this.routeName = routeName;
        this.replies = replies;
    }

    @Override
    public void onNext(ProcessingRequest request) {
        if (request.hasProtocolConfig()) {
            // Sent on the first message only, by Envoy 1.34 and later; older ones imply our documented modes.
            requestBodyMode = request.getProtocolConfig().getRequestBodyMode();
            responseBodyMode = request.getProtocolConfig().getResponseBodyMode();
        }
        try {
            switch (request.getRequestCase()) {
                case REQUEST_HEADERS -> onRequestHeaders(request.getRequestHeaders());
                case REQUEST_BODY -> onRequestBody(request.getRequestBody());
                case REQUEST_TRAILERS -> replies.now(Messages.CONTINUE_REQUEST_TRAILERS);
                case RESPONSE_HEADERS -> onResponseHeaders(request.getResponseHeaders());
                case RESPONSE_BODY -> onResponseBody(request.getResponseBody());
                case RESPONSE_TRAILERS -> onResponseTrailers();
                case REQUEST_NOT_SET -> replies.fail(io.grpc.Status.INVALID_ARGUMENT.withDescription("ProcessingRequest without a request"));
            }
        } catch (RuntimeException e) {
            LOG.error("ext_proc message {} failed", request.getRequestCase(), e);
            replies.fail(io.grpc.Status.INTERNAL.withDescription("the gateway failed to process the message"));
        }
    }

    private void onRequestHeaders(HttpHeaders message) {
        try {
            route = processor.route(routeName);
        } catch (GatewayError e) {
            refuse(e, "fairway_unknown_route");
            return;
        }
        method = Messages.get(message.getHeaders(), ":method");
        path = Messages.get(message.getHeaders(), ":path");
        headers = Messages.regular(message.getHeaders());
        String authority = Messages.get(message.getHeaders(), ":authority");
        if (authority != null && !headers.contains("host")) {
            headers.add("host", authority);
        }
        if (method == null || path == null) {
            refuse(GatewayError.of(ErrorType.INVALID_REQUEST, "request headers: :method and :path are required")
                    .with("header", method == null ? ":method" : ":path"), "fairway_bad_request");
            return;
        }
        // A WebSocket handshake has no body, yet Envoy sends its headers with end_of_stream false: the
        // upgraded session follows them. It is decided here, whatever the body mode; its frames never are.
        if (message.getEndOfStream() || "websocket".equalsIgnoreCase(headers.get("upgrade"))) {
            decisionStarted = true;
            replies.later(decide(new byte[0], false));
            return;
        }
        if (requestBodyMode != BodySendMode.BUFFERED) {
            // The core decides on the whole body; a partial or streamed one would be judged wrongly.
            refuse(GatewayError.of(ErrorType.INTERNAL, "ext_proc processing_mode.request_body_mode is %s (expected: BUFFERED)",
                    requestBodyMode).with("field", "processing_mode.request_body_mode"), "fairway_bad_processing_mode");
            return;
        }
        // A dispatcher route never uses the response phases: Envoy is told so, where it lets us.
        replies.now(route.envoy().mode() == ForwardMode.DIRECT ? Messages.CONTINUE_REQUEST_HEADERS
                : Messages.CONTINUE_REQUEST_HEADERS_REQUEST_ONLY);
    }

    private void onRequestBody(HttpBody body) {
        if (decisionStarted) {
            replies.now(Messages.CONTINUE_REQUEST_BODY);
            return;
        }
        if (route == null) {
            // request_header_mode SKIP: without method, path and headers there is nothing to decide on.
            refuse(GatewayError.of(ErrorType.INTERNAL, "ext_proc sent the request body without the request headers"
                    + " (expected: processing_mode.request_header_mode SEND)").with("field", "processing_mode.request_header_mode"),
                    "fairway_bad_processing_mode");
            decisionStarted = true;
            return;
        }
        decisionStarted = true;
        // BUFFERED: this one message is the whole body (end_of_stream is false when trailers follow).
        replies.later(decide(body.getBody().toByteArray(), true));
    }

    private void refuse(GatewayError e, String details) {
        replies.now(Messages.immediate(Decision.Answer.loggedError(e), details));
    }

    /** The core's decision as the answer to the last request message, within the decision deadline. */
    private CompletableFuture<ProcessingResponse> decide(byte[] body, boolean bodyPhase) {
        Via via = route.envoy().mode() == ForwardMode.DIRECT ? Via.direct(ResponseTap.rewritable(responseBodyMode)) : Via.TICKET;
        HostCall decided = processor.bridge().handle(new GatewayRequest(method, path, headers, body, null), route.config(),
                processor.settings().decisionTimeoutMs(), via);
        synchronized (this) {
            call = decided;
        }
        CompletableFuture<ProcessingResponse> reply = new CompletableFuture<>();
        decided.within(processor.timer()).whenComplete((r, cancelled) -> {
            if (r == null) {
                return; // Envoy is gone (onError): nobody waits for this reply.
            }
            try {
                ProcessingResponse p = reply(r, bodyPhase);
                if (p != null) {
                    reply.complete(p);
                }
            } catch (RuntimeException e) {
                reply.completeExceptionally(e);
            }
        });
        return reply;
    }

    private synchronized ProcessingResponse reply(HostResult result, boolean bodyPhase) {
        return switch (result) {
            // Neither a pass on the entry route nor the dispatcher hop has a response to observe.
            case HostResult.Answer a when a.why() == HostResult.Why.DEADLINE && processor.settings().onTimeout() == TimeoutPolicy.CONTINUE ->
                    Messages.requestOnly(processor.forwarding().passThrough(), bodyPhase);
            case HostResult.Answer a -> Messages.immediate(a.answer(), Messages.details(a.why()));
            case HostResult.ForwardByTicket f -> Messages.requestOnly(processor.forwarding().toDispatcher(f.ticket(), bodyPhase), bodyPhase);
            case HostResult.Direct d -> direct(d, bodyPhase);
        };
    }

    private ProcessingResponse direct(HostResult.Direct d, boolean bodyPhase) {
        if (gone) {
            // Envoy reset the stream before the tap was in place: nothing will be sent.
            d.tap().abandon(499, Completion.CLIENT_CLOSED);
            return null;
        }
        CommonResponse common;
        try {
            ResponseTap.check(d.exchange(), routeName, responseBodyMode);
            common = processor.forwarding().direct(d.exchange(), d.request(), route.envoy(), bodyPhase);
        } catch (GatewayError e) {
            d.tap().release();
            return Messages.immediate(HostBridge.refuse(d.exchange(), e).answer(), Messages.details(HostResult.Why.REFUSED));
        }
        tap = new ResponseTap(d.tap(), responseBodyMode);
        return Messages.request(common, bodyPhase);
    }

    private void onResponseHeaders(HttpHeaders message) {
        ResponseTap t = tap();
        if (t == null) {
            // Dispatcher mode: the dispatcher already added the cf-aig-* headers.
            replies.now(Messages.CONTINUE_RESPONSE_HEADERS);
            return;
        }
        replies.now(t.headers(Messages.status(message.getHeaders()), Messages.regular(message.getHeaders())));
        if (message.getEndOfStream()) {
            t.endWithoutBody();
        }
    }

    private void onResponseBody(HttpBody body) {
        ResponseTap t = tap();
        boolean fullDuplex = responseBodyMode == BodySendMode.FULL_DUPLEX_STREAMED;
        if (t == null) {
            replies.now(Messages.passResponseBody(body.getBody(), body.getEndOfStream(), fullDuplex));
            return;
        }
        replies.now(t.chunk(body.getBody(), body.getEndOfStream()));
    }

    private void onResponseTrailers() {
        ResponseTap t = tap();
        if (t != null) {
            ProcessingResponse last = t.trailers();
            if (last != null) {
                replies.now(last);
            }
        }
        replies.now(Messages.CONTINUE_RESPONSE_TRAILERS);
    }

    private synchronized ResponseTap tap() {
        return tap;
    }

    /**
     * Envoy reset the stream: the downstream client went away or Envoy gave up. A forwarded exchange
     * in direct mode ends here. A dispatcher ticket is left alone: the request may already be on its
     * way to the dispatcher (Envoy 1.37+ closes the stream once it needs no more callouts), and an
     * unredeemed ticket is completed as abandoned when it expires.
     */
    @Override
    public void onError(Throwable t) {
        ResponseTap cut;
        HostCall pending;
        synchronized (this) {
            gone = true;
            cut = tap;
            pending = call;
        }
        if (pending != null) {
            pending.clientGone();
        }
        replies.abandon();
        if (cut != null) {
            cut.cut("client_closed");
        }
    }

    /** Envoy half-closed: it needs nothing more. A response still unfinished here was cut. */
    @Override
    public void onCompleted() {
        ResponseTap t = tap();
        replies.finish();
        if (t != null) {
            if (t.sawHeaders() && responseBodyMode == BodySendMode.NONE) {
                // The body is not sent to us in this mode: the headers were all there was to see.
                t.endWithoutBody();
            } else {
                t.cut("stream_closed");
            }
        }
    }
}
