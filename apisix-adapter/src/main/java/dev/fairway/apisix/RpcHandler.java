package dev.fairway.apisix;

import static java.util.Objects.requireNonNull;

import dev.fairway.Fairway;
import dev.fairway.apisix.protocol.Codec;
import dev.fairway.apisix.protocol.ErrorCode;
import dev.fairway.apisix.protocol.Frame;
import dev.fairway.apisix.protocol.FrameChannel;
import dev.fairway.apisix.protocol.HttpReqCall;
import dev.fairway.apisix.protocol.HttpRespCall;
import dev.fairway.apisix.protocol.MalformedPayloadException;
import dev.fairway.apisix.protocol.PrepareConf;
import dev.fairway.apisix.protocol.RpcType;
import dev.fairway.apisix.protocol.TextEntry;
import dev.fairway.config.ConfigException;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.RouteConfig;
import dev.fairway.dispatch.TicketBook;
import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.host.HostBridge;
import dev.fairway.host.HostResult;
import dev.fairway.http.Headers;
import dev.fairway.pipeline.Decision;
import dev.fairway.pipeline.GatewayRequest;
import java.io.IOException;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the three calls APISIX makes. Shared by every connection; all state lives in the conf
 * tokens and in the core.
 */
final class RpcHandler {
    private static final Logger LOG = LoggerFactory.getLogger(RpcHandler.class);

    /** The conf entry name operators give the route's settings under. */
    static final String CONF_NAME = "fairway";
    /** The APISIX variable holding the consumer an authentication plugin identified. */
    static final String CONSUMER_VAR = "consumer_name";
    /**
     * The largest body APISIX can hand over: it goes in one {@code RPC_EXTRA_INFO} frame, and the
     * FlatBuffers table around it takes a few bytes of the frame (24 to 27 with the Java builder;
     * 64 leaves room for other builders).
     */
    static final int MAX_BODY_BYTES = FrameChannel.MAX_PAYLOAD - 64;

    private final HostBridge bridge;
    private final ConfTokens tokens;
    private final ConfigLoader loader;
    private final long decideTimeoutMillis;

    RpcHandler(Fairway fairway, ConfTokens tokens, ConfigLoader loader, Duration decideTimeout) {
        // Right after an APISIX reload the runner being replaced may still hold the dispatcher port for
        // a moment (until its tickets are redeemed): a ticket is handed out only once this process's
        // dispatcher listens, so nginx never brings it to the other one.
        requireNonNull(fairway, "fairway");
        this.bridge = new HostBridge(fairway.gateway(), fairway.dispatcher()).awaitingDispatcher(fairway.dispatcherReady());
        this.tokens = requireNonNull(tokens, "tokens");
        this.loader = requireNonNull(loader, "loader");
        this.decideTimeoutMillis = requireNonNull(decideTimeout, "decideTimeout").toMillis();
    }

    /** Handles one frame APISIX opened an exchange with, and the frames of that exchange. */
    void handle(FrameChannel channel, Frame frame) throws IOException {
        try {
            switch (frame.type()) {
                case RpcType.PREPARE_CONF -> prepare(channel, frame.payload());
                case RpcType.HTTP_REQ_CALL -> call(channel, frame.payload());
                case RpcType.HTTP_RESP_CALL -> respCall(channel, frame.payload());
                default -> {
                    LOG.warn("APISIX sent {} outside a call; answering bad request", RpcType.name(frame.type()));
                    channel.write(RpcType.ERROR, Codec.error(ErrorCode.BAD_REQUEST));
                }
            }
        } catch (MalformedPayloadException e) {
            LOG.warn("{}; answering bad request", e.getMessage());
            channel.write(RpcType.ERROR, Codec.error(ErrorCode.BAD_REQUEST));
        }
    }

    private void prepare(FrameChannel channel, ByteBuffer payload) throws IOException {
        PrepareConf conf = Codec.readPrepareConf(payload);
        String value = conf.value(CONF_NAME);
        if (value == null) {
            List<String> names = conf.conf().stream().map(TextEntry::name).toList();
            LOG.warn("ext-plugin conf rejected: no entry named \"{}\" (got: {})", CONF_NAME, names);
            channel.write(RpcType.ERROR, Codec.error(ErrorCode.BAD_REQUEST));
            return;
        }
        RouteConfig route;
        try {
            route = loader.parseRoute(value);
        } catch (ConfigException e) {
            // The protocol's error carries a code only; APISIX copies this line into its error.log.
            LOG.warn("ext-plugin conf \"{}\" rejected: {}", CONF_NAME, String.join("; ", e.problems()));
            channel.write(RpcType.ERROR, Codec.error(ErrorCode.BAD_REQUEST));
            return;
        }
        long token = tokens.issue(conf.key(), value, route);
        channel.write(RpcType.PREPARE_CONF, Codec.prepareConfResponse(token));
    }

    private void call(FrameChannel channel, ByteBuffer payload) throws IOException {
        HttpReqCall call = Codec.readHttpReqCall(payload);
        RouteConfig route = tokens.route(call.confToken());
        if (route == null) {
            channel.write(RpcType.ERROR, Codec.error(ErrorCode.CONF_TOKEN_NOT_FOUND));
            return;
        }
        long announced = Headers.length(call.header("content-length"));
        if (announced > MAX_BODY_BYTES) {
            // APISIX could not hand this body over (it would fail the frame and answer a bare 503).
            stop(channel, call.id(), tooLarge(announced));
            return;
        }
        // HTTP/2 and HTTP/3 requests may carry a body with neither content-length nor transfer-encoding.
        boolean wantsBody = announced > 0
                || (announced < 0 && (call.header("transfer-encoding") != null || mayCarryBody(call.method())));
        ExtraInfo extra = fetchExtraInfo(channel, wantsBody);
        Headers headers = new Headers();
        for (TextEntry h : call.headers()) {
            headers.add(h.name(), h.value());
        }
        GatewayRequest request = new GatewayRequest(call.method(), RequestTarget.of(call.path(), call.args()),
                headers, extra.body, extra.consumer);
        switch (bridge.handle(request, route, decideTimeoutMillis).await()) {
            case HostResult.Answer a -> stop(channel, call.id(), a.answer());
            case HostResult.ForwardByTicket f -> channel.write(RpcType.HTTP_REQ_CALL, Codec.rewrite(call.id(), null,
                    List.of(new TextEntry(TicketBook.HEADER, f.ticket())), List.of()));
            case HostResult.Direct d -> throw new IllegalStateException("APISIX forwards by ticket only");
        }
    }

    /**
     * Asks for the consumer and, when there is one, the body, then reads both answers: APISIX answers
     * extra-info requests in order on the same connection, so the two need one round trip, not two.
     */
    private ExtraInfo fetchExtraInfo(FrameChannel channel, boolean wantsBody) throws IOException {
        channel.write(RpcType.EXTRA_INFO, Codec.extraInfoVar(CONSUMER_VAR));
        if (wantsBody) {
            channel.write(RpcType.EXTRA_INFO, Codec.extraInfoRequestBody());
        }
        byte[] consumer = readExtraInfo(channel);
        byte[] body = wantsBody ? readExtraInfo(channel) : new byte[0];
        return new ExtraInfo(consumer.length == 0 ? null : new String(consumer, StandardCharsets.UTF_8), body);
    }

    private static byte[] readExtraInfo(FrameChannel channel) throws IOException {
        Frame answer = channel.read();
        if (answer == null) {
            throw new ProtocolException("APISIX closed the connection while answering RPC_EXTRA_INFO");
        }
        if (answer.type() != RpcType.EXTRA_INFO) {
            throw new ProtocolException("APISIX answered RPC_EXTRA_INFO with " + RpcType.name(answer.type()));
        }
        return Codec.readExtraInfoResult(answer.payload());
    }

    private void respCall(FrameChannel channel, ByteBuffer payload) throws IOException {
        HttpRespCall call = Codec.readHttpRespCall(payload);
        if (tokens.route(call.confToken()) == null) {
            channel.write(RpcType.ERROR, Codec.error(ErrorCode.CONF_TOKEN_NOT_FOUND));
            return;
        }
        // The dispatcher already shaped the response and fed usage, cache and logs as it streamed;
        // asking for the body here would make APISIX buffer the whole stream. The headers go back
        // as they came, or APISIX would drop content-type and content-encoding (PostRespHeaders).
        channel.write(RpcType.HTTP_RESP_CALL, Codec.respCallUnchanged(call.id(), PostRespHeaders.echo(call.headers())));
    }

    private static void stop(FrameChannel channel, long id, Decision.Answer answer) throws IOException {
        ByteBuffer stop = Codec.stop(id, answer.status(), entries(answer.headers()), answer.body());
        if (stop.remaining() > FrameChannel.MAX_PAYLOAD) {
            GatewayError e = GatewayError.of(ErrorType.UPSTREAM_UNAVAILABLE,
                    "the answer is %d bytes, more than APISIX accepts from a plugin runner (%d)",
                    answer.body().length, MAX_BODY_BYTES);
            Headers headers = Headers.of("content-type", "application/json");
            String logId = answer.headers().get("cf-aig-log-id");
            if (logId != null) {
                headers.add("cf-aig-log-id", logId);
            }
            stop = Codec.stop(id, e.status(), entries(headers), e.toJson());
        }
        channel.write(RpcType.HTTP_REQ_CALL, stop);
    }

    private static Decision.Answer tooLarge(long length) {
        return Decision.Answer.loggedError(GatewayError.of(ErrorType.PAYLOAD_TOO_LARGE, "request body: %d bytes (expected: at most %d)",
                length, MAX_BODY_BYTES).with("limit", MAX_BODY_BYTES));
    }

    private static List<TextEntry> entries(Headers headers) {
        List<TextEntry> out = new ArrayList<>(headers.size());
        for (int i = 0; i < headers.size(); i++) {
            out.add(new TextEntry(headers.name(i), headers.value(i)));
        }
        return out;
    }

    private static boolean mayCarryBody(String method) {
        return switch (method) {
            case "POST", "PUT", "PATCH", "DELETE" -> true;
            default -> false;
        };
    }

    private record ExtraInfo(String consumer, byte[] body) {}
}
