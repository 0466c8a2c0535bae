package dev.fairway.apisix.protocol;

import com.google.flatbuffers.FlatBufferBuilder;
import io.github.api7.A6.Err.Resp;
import io.github.api7.A6.ExtraInfo.Info;
import io.github.api7.A6.ExtraInfo.ReqBody;
import io.github.api7.A6.ExtraInfo.Var;
import io.github.api7.A6.HTTPReqCall.Action;
import io.github.api7.A6.HTTPReqCall.Req;
import io.github.api7.A6.HTTPReqCall.Rewrite;
import io.github.api7.A6.HTTPReqCall.Stop;
import io.github.api7.A6.Method;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The runner's side of the ext-plugin messages (api7/ext-plugin-proto {@code ext-plugin.fbs}),
 * read and written with the generated classes of {@code io.github.api7:A6}. Payloads are returned
 * as buffers positioned on the finished FlatBuffer, ready for {@link FrameChannel#write}.
 *
 * <p>The generated {@code ValidateVersion()} methods are never called: they name a FlatBuffers
 * runtime constant (2.0.0) that newer runtimes no longer have, while everything else the classes
 * use is unchanged.
 */
public final class Codec {
    private Codec() {}

    public static PrepareConf readPrepareConf(ByteBuffer payload) {
        try {
            return prepareConf(payload);
        } catch (IndexOutOfBoundsException | BufferUnderflowException | IllegalArgumentException e) {
            throw malformed("RPC_PREPARE_CONF", e);
        }
    }

    private static PrepareConf prepareConf(ByteBuffer payload) {
        io.github.api7.A6.PrepareConf.Req req = io.github.api7.A6.PrepareConf.Req.getRootAsReq(payload.duplicate());
        int n = checked(req.confLength(), 4, payload);
        List<TextEntry> conf = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            io.github.api7.A6.TextEntry e = req.conf(i);
            conf.add(new TextEntry(nonNull(e.name()), e.value()));
        }
        return new PrepareConf(req.key(), conf);
    }

    public static ByteBuffer prepareConfResponse(long token) {
        FlatBufferBuilder b = new FlatBufferBuilder(32);
        b.finish(io.github.api7.A6.PrepareConf.Resp.createResp(b, token));
        return b.dataBuffer();
    }

    public static HttpReqCall readHttpReqCall(ByteBuffer payload) {
        try {
            return httpReqCall(payload);
        } catch (IndexOutOfBoundsException | BufferUnderflowException | IllegalArgumentException e) {
            throw malformed("RPC_HTTP_REQ_CALL", e);
        }
    }

    private static HttpReqCall httpReqCall(ByteBuffer payload) {
        Req req = Req.getRootAsReq(payload.duplicate());
        byte[] src = new byte[checked(req.srcIpLength(), 1, payload)];
        for (int i = 0; i < src.length; i++) {
            src[i] = (byte) req.srcIp(i);
        }
        int argCount = checked(req.argsLength(), 4, payload);
        List<TextEntry> args = new ArrayList<>(argCount);
        for (int i = 0; i < argCount; i++) {
            args.add(new TextEntry(nonNull(req.args(i).name()), req.args(i).value()));
        }
        List<TextEntry> headers = headers(req.headersLength(), i -> req.headers(i), payload);
        int method = req.method();
        if (method < 0 || method >= Method.names.length) {
            throw new IllegalArgumentException("method: " + method + " (expected: 0.." + (Method.names.length - 1) + ")");
        }
        return new HttpReqCall(req.id(), src, Method.name(method), nonNull(req.path()), args, headers, req.confToken());
    }

    /** Answers the call: APISIX ends the request with this status, these headers and this body. */
    public static ByteBuffer stop(long id, int status, List<TextEntry> headers, byte[] body) {
        FlatBufferBuilder b = new FlatBufferBuilder(256 + body.length);
        int headersVector = Stop.createHeadersVector(b, entries(b, headers));
        int bodyVector = body.length == 0 ? 0 : Stop.createBodyVector(b, body);
        Stop.startStop(b);
        Stop.addStatus(b, status);
        Stop.addHeaders(b, headersVector);
        if (bodyVector != 0) {
            Stop.addBody(b, bodyVector);
        }
        int stop = Stop.endStop(b);
        return finishCall(b, id, Action.Stop, stop);
    }

    /**
     * Lets the request go on to the route's upstream, changed: a new path (null keeps it), headers
     * set (a null value deletes one) and query arguments set.
     */
    public static ByteBuffer rewrite(long id, String path, List<TextEntry> headers, List<TextEntry> args) {
        FlatBufferBuilder b = new FlatBufferBuilder(256);
        int pathOffset = path == null ? 0 : b.createString(path);
        int headersVector = Rewrite.createHeadersVector(b, entries(b, headers));
        int argsVector = Rewrite.createArgsVector(b, entries(b, args));
        Rewrite.startRewrite(b);
        if (pathOffset != 0) {
            Rewrite.addPath(b, pathOffset);
        }
        Rewrite.addHeaders(b, headersVector);
        Rewrite.addArgs(b, argsVector);
        int rewrite = Rewrite.endRewrite(b);
        return finishCall(b, id, Action.Rewrite, rewrite);
    }

    /** Asks APISIX for an nginx or APISIX variable ({@code remote_addr}, {@code consumer_name}). */
    public static ByteBuffer extraInfoVar(String name) {
        FlatBufferBuilder b = new FlatBufferBuilder(64);
        int var = Var.createVar(b, b.createString(name));
        b.finish(io.github.api7.A6.ExtraInfo.Req.createReq(b, Info.Var, var));
        return b.dataBuffer();
    }

    /** Asks APISIX for the request body. */
    public static ByteBuffer extraInfoRequestBody() {
        FlatBufferBuilder b = new FlatBufferBuilder(32);
        ReqBody.startReqBody(b);
        int body = ReqBody.endReqBody(b);
        b.finish(io.github.api7.A6.ExtraInfo.Req.createReq(b, Info.ReqBody, body));
        return b.dataBuffer();
    }

    /** The result of an {@code RPC_EXTRA_INFO} answer; empty when APISIX had no value. */
    public static byte[] readExtraInfoResult(ByteBuffer payload) {
        try {
            return extraInfoResult(payload);
        } catch (IndexOutOfBoundsException | BufferUnderflowException | IllegalArgumentException e) {
            throw malformed("RPC_EXTRA_INFO", e);
        }
    }

    private static byte[] extraInfoResult(ByteBuffer payload) {
        io.github.api7.A6.ExtraInfo.Resp resp = io.github.api7.A6.ExtraInfo.Resp.getRootAsResp(payload.duplicate());
        ByteBuffer result = resp.resultAsByteBuffer();
        if (result == null) {
            return new byte[0];
        }
        byte[] bytes = new byte[result.remaining()];
        result.get(bytes);
        return bytes;
    }

    public static HttpRespCall readHttpRespCall(ByteBuffer payload) {
        try {
            io.github.api7.A6.HTTPRespCall.Req req = io.github.api7.A6.HTTPRespCall.Req.getRootAsReq(payload.duplicate());
            List<TextEntry> headers = headers(req.headersLength(), i -> req.headers(i), payload);
            return new HttpRespCall(req.id(), req.status(), headers, req.confToken());
        } catch (IndexOutOfBoundsException | BufferUnderflowException | IllegalArgumentException e) {
            throw malformed("RPC_HTTP_RESP_CALL", e);
        }
    }

    /**
     * Leaves the status and body as they are (status 0, no body) and answers {@code headers} as the
     * response headers: with none, APISIX would drop content-type, content-encoding and location.
     */
    public static ByteBuffer respCallUnchanged(long id, List<TextEntry> headers) {
        FlatBufferBuilder b = new FlatBufferBuilder(256);
        int hs = headers.isEmpty() ? 0 : io.github.api7.A6.HTTPRespCall.Resp.createHeadersVector(b, entries(b, headers));
        io.github.api7.A6.HTTPRespCall.Resp.startResp(b);
        io.github.api7.A6.HTTPRespCall.Resp.addId(b, id);
        if (hs != 0) {
            io.github.api7.A6.HTTPRespCall.Resp.addHeaders(b, hs);
        }
        b.finish(io.github.api7.A6.HTTPRespCall.Resp.endResp(b));
        return b.dataBuffer();
    }

    /** The payload of an {@code RPC_ERROR} frame. */
    public static ByteBuffer error(int code) {
        FlatBufferBuilder b = new FlatBufferBuilder(16);
        b.finish(Resp.createResp(b, code));
        return b.dataBuffer();
    }

    private static ByteBuffer finishCall(FlatBufferBuilder b, long id, byte actionType, int action) {
        io.github.api7.A6.HTTPReqCall.Resp.startResp(b);
        io.github.api7.A6.HTTPReqCall.Resp.addId(b, id);
        io.github.api7.A6.HTTPReqCall.Resp.addActionType(b, actionType);
        io.github.api7.A6.HTTPReqCall.Resp.addAction(b, action);
        b.finish(io.github.api7.A6.HTTPReqCall.Resp.endResp(b));
        return b.dataBuffer();
    }

    private static int[] entries(FlatBufferBuilder b, List<TextEntry> entries) {
        int[] offsets = new int[entries.size()];
        for (int i = 0; i < offsets.length; i++) {
            TextEntry e = entries.get(i);
            int name = b.createString(e.name());
            int value = e.value() == null ? 0 : b.createString(e.value());
            offsets[i] = io.github.api7.A6.TextEntry.createTextEntry(b, name, value);
        }
        return offsets;
    }

    private static List<TextEntry> headers(int count, IntFunction<io.github.api7.A6.TextEntry> entry, ByteBuffer payload) {
        int n = checked(count, 4, payload);
        List<TextEntry> headers = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            io.github.api7.A6.TextEntry e = entry.apply(i);
            headers.add(new TextEntry(nonNull(e.name()), nonNull(e.value())));
        }
        return headers;
    }

    /** A vector length read from the payload, refused when the payload cannot hold that many elements. */
    private static int checked(int length, int elementSize, ByteBuffer payload) {
        if (length < 0 || (long) length * elementSize > payload.remaining()) {
            throw new IllegalArgumentException("vector of " + length + " elements in a " + payload.remaining() + "-byte payload");
        }
        return length;
    }

    private static MalformedPayloadException malformed(String type, RuntimeException cause) {
        return new MalformedPayloadException(type + ": not a valid payload (" + cause.getClass().getSimpleName()
                + (cause instanceof IllegalArgumentException ? ": " + cause.getMessage() : "") + ")");
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
