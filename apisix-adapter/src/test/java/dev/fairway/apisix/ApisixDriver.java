package dev.fairway.apisix;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.fairway.apisix.protocol.Frame;
import dev.fairway.apisix.protocol.FrameChannel;
import dev.fairway.apisix.protocol.RpcType;
import dev.fairway.apisix.protocol.TextEntry;
import io.github.api7.A6.ExtraInfo.Info;
import io.github.api7.A6.HTTPReqCall.Action;
import io.github.api7.A6.HTTPReqCall.Rewrite;
import io.github.api7.A6.HTTPReqCall.Stop;
import io.github.api7.A6.Method;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * APISIX's side of the ext-plugin protocol, as apisix/plugins/ext-plugin/init.lua (3.x) plays it:
 * {@code send}/{@code receive} framing with the 2^24-1 payload cap checked before sending,
 * {@code rpc_call} on pooled keepalive connections (32 idle), the conf token held in a per-worker
 * lrucache (TTL = conf cache time) over a shared dict (0.9 of it) keyed by the plugin ctx id,
 * PREPARE_CONF on its own connection when neither holds a token, the RPC_EXTRA_INFO loop answered on
 * the call's connection, and {@code communicate}: up to three tries, flushing every token on "conf
 * token not found", 503 for any other failure.
 *
 * <p>Workers: each nginx worker has its own lrucache, the shared dict is one for all ({@link #communicate(int, PluginConf, Request)}). {@link #reload()} plays an nginx reload: new
 * workers (empty lrucaches, no pooled connections) over the same shared dict, which a reload keeps
 * and no {@code runner_exit} event flushes, as APISIX then starts a new runner on the same socket path.
 */
final class ApisixDriver implements AutoCloseable {
    static final Duration CONF_TTL = Duration.ofSeconds(3600);
    private static final int POOL_SIZE = 32;

    private final Path socket;
    private final LongSupplier nanoClock;
    private final Deque<SocketChannel> idle = new ConcurrentLinkedDeque<>();
    private final Map<Integer, Map<String, Cached>> lrucaches = new ConcurrentHashMap<>();
    private final Map<String, Cached> shdict = new ConcurrentHashMap<>();
    private final AtomicInteger workerCounter = new AtomicInteger();
    final AtomicInteger connectionsOpened = new AtomicInteger();
    final AtomicInteger prepares = new AtomicInteger();
    final AtomicInteger bodyRequests = new AtomicInteger();
    final AtomicInteger tokenRefreshes = new AtomicInteger();

    ApisixDriver(Path socket, LongSupplier nanoClock) {
        this.socket = socket;
        this.nanoClock = nanoClock;
    }

    /** One {@code ext-plugin-*} instance on a route: its conf array and its identity in the caches. */
    record PluginConf(String routeId, int version, String phase, List<TextEntry> conf) {
        static PluginConf fairway(String routeId, String json) {
            return new PluginConf(routeId, 1, "ext-plugin-pre-req", List.of(new TextEntry("fairway", json)));
        }

        String ctxId() {
            return "route#" + routeId + "#" + version + "#" + phase;
        }
    }

    /** What nginx knows about the request: {@code $uri} (decoded), args, headers, body and variables. */
    record Request(String method, String uri, List<TextEntry> args, List<TextEntry> headers, byte[] body,
                   Map<String, String> vars) {
        static Request of(String method, String uri, byte[] body, String... headerPairs) {
            List<TextEntry> headers = new ArrayList<>();
            for (int i = 0; i < headerPairs.length; i += 2) {
                headers.add(new TextEntry(headerPairs[i], headerPairs[i + 1]));
            }
            if (body != null && body.length > 0 && headers.stream().noneMatch(h -> h.name().equals("transfer-encoding"))) {
                headers.add(new TextEntry("content-length", Integer.toString(body.length)));
            }
            return new Request(method, uri, List.of(), headers, body, Map.of("remote_addr", "127.0.0.1"));
        }

        Request withVar(String name, String value) {
            Map<String, String> v = new LinkedHashMap<>(vars);
            v.put(name, value);
            return new Request(method, uri, args, headers, body, v);
        }

        Request withArgs(List<TextEntry> newArgs) {
            return new Request(method, uri, newArgs, headers, body, vars);
        }
    }

    /** What {@code communicate} leaves the request with. */
    sealed interface Outcome {}

    /** The runner answered: APISIX exits with this (status 0 becomes 200). */
    record Stopped(int status, List<TextEntry> headers, byte[] body) implements Outcome {
        String header(String name) {
            return headers.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(TextEntry::value).findFirst().orElse(null);
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** The request goes on to the route's upstream, rewritten. */
    record Rewritten(String path, List<TextEntry> headers, List<TextEntry> args) implements Outcome {
        String header(String name) {
            return headers.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(TextEntry::value).findFirst().orElse(null);
        }
    }

    /** APISIX gave up (the runner failed, or an error frame other than "conf token not found"): 503. */
    record Failed(int status, String error) implements Outcome {}

    /**
     * The answer to an {@code RPC_HTTP_RESP_CALL}: status 0 and no body mean unchanged; and the
     * headers the client then gets ({@code clientHeaders}), as init.lua sets them: the answer's
     * headers when it has any, else the upstream's less {@link #EXCLUDE_RESP_HEADER}.
     */
    record RespOutcome(int status, List<TextEntry> headers, byte[] body, List<TextEntry> clientHeaders) {
        String clientHeader(String name) {
            return clientHeaders.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(TextEntry::value).findFirst().orElse(null);
        }
    }

    /** init.lua's exclude_resp_header: upstream headers it does not copy when the answer has no headers. */
    static final java.util.Set<String> EXCLUDE_RESP_HEADER = java.util.Set.of("connection", "content-length",
            "transfer-encoding", "location", "server", "www-authenticate", "content-encoding", "content-type",
            "content-location", "content-language");

    /** {@code _M.communicate} for an {@code RPC_HTTP_REQ_CALL} in worker 0. */
    Outcome communicate(PluginConf conf, Request request) {
        return communicate(0, conf, request);
    }

    /** {@code _M.communicate} for an {@code RPC_HTTP_REQ_CALL} in the given worker. */
    Outcome communicate(int worker, PluginConf conf, Request request) {
        String err = null;
        for (int tries = 0; tries < 3; tries++) {
            try {
                return rpcCall(conn -> reqCall(conn, worker, conf, request));
            } catch (RpcFailure e) {
                err = e.getMessage();
                if (!err.contains("conf token not found")) {
                    return new Failed(503, err);
                }
                tokenRefreshes.incrementAndGet();
                recreateLrucache(worker);
            }
        }
        return new Failed(503, err);
    }

    /** {@code _M.communicate} for an {@code RPC_HTTP_RESP_CALL} ({@code ext-plugin-post-resp}). */
    RespOutcome respCall(PluginConf conf, int status, List<TextEntry> headers) {
        for (int tries = 0; tries < 3; tries++) {
            try {
                return rpcCall(conn -> respCall(conn, 0, conf, status, headers));
            } catch (RpcFailure e) {
                if (!e.getMessage().contains("conf token not found")) {
                    return new RespOutcome(503, List.of(), new byte[0], List.of());
                }
                tokenRefreshes.incrementAndGet();
                recreateLrucache(0);
            }
        }
        return new RespOutcome(503, List.of(), new byte[0], List.of());
    }

    /** Puts a token in both caches, as if an earlier runner had issued it (the runner restarted since). */
    void seedToken(PluginConf conf, long token) {
        long now = nanoClock.getAsLong();
        lrucache(0).put(conf.ctxId(), new Cached(token, now + CONF_TTL.toNanos()));
        shdict.put(conf.ctxId(), new Cached(token, now + CONF_TTL.toNanos() * 9 / 10));
    }

    // rpc_call: connect (or reuse a keepalive connection), run the handler, keepalive on success, close on failure.
    private <T> T rpcCall(Handler<T> handler) throws RpcFailure {
        SocketChannel conn = idle.pollFirst();
        if (conn == null) {
            try {
                conn = SocketChannel.open(StandardProtocolFamily.UNIX);
                conn.connect(UnixDomainSocketAddress.of(socket));
                connectionsOpened.incrementAndGet();
            } catch (IOException e) {
                throw new RpcFailure("failed to connect to the unix socket unix:" + socket + ": " + e.getMessage());
            }
        }
        try {
            T result = handler.run(new FrameChannel(conn));
            if (idle.size() < POOL_SIZE) {
                idle.addFirst(conn);
            } else {
                closeQuietly(conn);
            }
            return result;
        } catch (RpcFailure | RuntimeException e) {
            closeQuietly(conn);
            throw e;
        }
    }

    /** An nginx reload: new workers, so no lrucache and no pooled connection; the shared dict stays. */
    void reload() {
        lrucaches.clear();
        close();
    }

    private Map<String, Cached> lrucache(int worker) {
        return lrucaches.computeIfAbsent(worker, w -> new ConcurrentHashMap<>());
    }

    // The RPC_PREPARE_CONF handler, reached through core.lrucache.plugin_ctx.
    private long token(int worker, PluginConf conf) throws RpcFailure {
        Map<String, Cached> lrucache = lrucache(worker);
        long now = nanoClock.getAsLong();
        Cached lru = lrucache.get(conf.ctxId());
        if (lru != null && now - lru.expiresAt < 0) {
            return lru.token;
        }
        long token = rpcCall(conn -> prepareConf(conn, conf));
        lrucache.put(conf.ctxId(), new Cached(token, nanoClock.getAsLong() + CONF_TTL.toNanos()));
        return token;
    }

    private long prepareConf(FrameChannel conn, PluginConf conf) throws RpcFailure {
        long now = nanoClock.getAsLong();
        Cached shared = shdict.get(conf.ctxId());
        if (shared != null && now - shared.expiresAt < 0) {
            return shared.token;
        }
        FlatBufferBuilder b = new FlatBufferBuilder(256);
        int key = b.createString(conf.ctxId());
        int confVector = io.github.api7.A6.PrepareConf.Req.createConfVector(b, entries(b, conf.conf()));
        io.github.api7.A6.PrepareConf.Req.startReq(b);
        io.github.api7.A6.PrepareConf.Req.addKey(b, key);
        io.github.api7.A6.PrepareConf.Req.addConf(b, confVector);
        b.finish(io.github.api7.A6.PrepareConf.Req.endReq(b));
        send(conn, RpcType.PREPARE_CONF, b.dataBuffer(), "failed to send RPC_PREPARE_CONF: ");
        prepares.incrementAndGet();
        Frame resp = receive(conn, "failed to receive RPC_PREPARE_CONF: ");
        if (resp.type() != RpcType.PREPARE_CONF) {
            throw new RpcFailure("failed to receive RPC_PREPARE_CONF: unexpected type " + resp.type());
        }
        long token = io.github.api7.A6.PrepareConf.Resp.getRootAsResp(resp.payload()).confToken();
        shdict.put(conf.ctxId(), new Cached(token, nanoClock.getAsLong() + CONF_TTL.toNanos() * 9 / 10));
        return token;
    }

    private Outcome reqCall(FrameChannel conn, int worker, PluginConf conf, Request request) throws RpcFailure {
        long token = token(worker, conf);
        FlatBufferBuilder b = new FlatBufferBuilder(1024);
        int path = b.createString(request.uri());
        int srcIp = io.github.api7.A6.HTTPReqCall.Req.createSrcIpVector(b, new byte[] {127, 0, 0, 1});
        int args = io.github.api7.A6.HTTPReqCall.Req.createArgsVector(b, entries(b, request.args()));
        int headers = io.github.api7.A6.HTTPReqCall.Req.createHeadersVector(b, entries(b, request.headers()));
        io.github.api7.A6.HTTPReqCall.Req.startReq(b);
        io.github.api7.A6.HTTPReqCall.Req.addId(b, generateId());
        io.github.api7.A6.HTTPReqCall.Req.addConfToken(b, token);
        io.github.api7.A6.HTTPReqCall.Req.addSrcIp(b, srcIp);
        io.github.api7.A6.HTTPReqCall.Req.addPath(b, path);
        io.github.api7.A6.HTTPReqCall.Req.addArgs(b, args);
        io.github.api7.A6.HTTPReqCall.Req.addHeaders(b, headers);
        io.github.api7.A6.HTTPReqCall.Req.addMethod(b, method(request.method()));
        b.finish(io.github.api7.A6.HTTPReqCall.Req.endReq(b));
        send(conn, RpcType.HTTP_REQ_CALL, b.dataBuffer(), "failed to send RPC_HTTP_REQ_CALL: ");

        Frame resp = extraInfoLoop(conn, request, "failed to receive RPC_HTTP_REQ_CALL: ");
        if (resp.type() != RpcType.HTTP_REQ_CALL) {
            throw new RpcFailure("failed to receive RPC_HTTP_REQ_CALL: unexpected type " + resp.type());
        }
        io.github.api7.A6.HTTPReqCall.Resp call = io.github.api7.A6.HTTPReqCall.Resp.getRootAsResp(resp.payload());
        if (call.actionType() == Action.Stop) {
            Stop stop = (Stop) call.action(new Stop());
            List<TextEntry> hs = new ArrayList<>();
            for (int i = 0; i < stop.headersLength(); i++) {
                hs.add(new TextEntry(stop.headers(i).name(), stop.headers(i).value()));
            }
            byte[] body = new byte[stop.bodyLength()];
            if (body.length > 0) {
                stop.bodyAsByteBuffer().get(body);
            }
            return new Stopped(stop.status() == 0 ? 200 : stop.status(), hs, body);
        }
        if (call.actionType() == Action.Rewrite) {
            Rewrite rewrite = (Rewrite) call.action(new Rewrite());
            List<TextEntry> hs = new ArrayList<>();
            for (int i = 0; i < rewrite.headersLength(); i++) {
                hs.add(new TextEntry(rewrite.headers(i).name(), rewrite.headers(i).value()));
            }
            List<TextEntry> as = new ArrayList<>();
            for (int i = 0; i < rewrite.argsLength(); i++) {
                as.add(new TextEntry(rewrite.args(i).name(), rewrite.args(i).value()));
            }
            return new Rewritten(rewrite.path(), hs, as);
        }
        return new Rewritten(null, List.of(), List.of());
    }

    private RespOutcome respCall(FrameChannel conn, int worker, PluginConf conf, int status, List<TextEntry> headers) throws RpcFailure {
        long token = token(worker, conf);
        FlatBufferBuilder b = new FlatBufferBuilder(256);
        int hs = io.github.api7.A6.HTTPRespCall.Req.createHeadersVector(b, entries(b, headers));
        io.github.api7.A6.HTTPRespCall.Req.startReq(b);
        io.github.api7.A6.HTTPRespCall.Req.addId(b, generateId());
        io.github.api7.A6.HTTPRespCall.Req.addStatus(b, status);
        io.github.api7.A6.HTTPRespCall.Req.addConfToken(b, token);
        io.github.api7.A6.HTTPRespCall.Req.addHeaders(b, hs);
        b.finish(io.github.api7.A6.HTTPRespCall.Req.endReq(b));
        send(conn, RpcType.HTTP_RESP_CALL, b.dataBuffer(), "failed to send RPC_HTTP_RESP_CALL: ");
        Frame resp = extraInfoLoop(conn, null, "failed to receive RPC_HTTP_REQ_CALL: ");
        if (resp.type() != RpcType.HTTP_RESP_CALL) {
            throw new RpcFailure("failed to receive RPC_HTTP_RESP_CALL: unexpected type " + resp.type());
        }
        io.github.api7.A6.HTTPRespCall.Resp r = io.github.api7.A6.HTTPRespCall.Resp.getRootAsResp(resp.payload());
        List<TextEntry> out = new ArrayList<>();
        for (int i = 0; i < r.headersLength(); i++) {
            out.add(new TextEntry(r.headers(i).name(), r.headers(i).value()));
        }
        byte[] body = new byte[r.bodyLength()];
        if (body.length > 0) {
            r.bodyAsByteBuffer().get(body);
        }
        List<TextEntry> client = new ArrayList<>();
        if (!out.isEmpty()) {
            for (TextEntry h : out) {
                client.add(new TextEntry(h.name().toLowerCase(java.util.Locale.ROOT), h.value()));
            }
        } else {
            for (TextEntry h : headers) {
                if (!EXCLUDE_RESP_HEADER.contains(h.name().toLowerCase(java.util.Locale.ROOT))) {
                    client.add(h);
                }
            }
        }
        return new RespOutcome(r.status(), out, body, client);
    }

    // The loop after sending a call: answer every RPC_EXTRA_INFO until another frame type arrives.
    private Frame extraInfoLoop(FrameChannel conn, Request request, String receiveError) throws RpcFailure {
        while (true) {
            Frame frame = receive(conn, receiveError);
            if (frame.type() != RpcType.EXTRA_INFO) {
                return frame;
            }
            ByteBuffer out = handleExtraInfo(request, frame.payload());
            send(conn, RpcType.EXTRA_INFO, out, "failed to reply RPC_EXTRA_INFO: ");
        }
    }

    private ByteBuffer handleExtraInfo(Request request, ByteBuffer input) throws RpcFailure {
        io.github.api7.A6.ExtraInfo.Req req = io.github.api7.A6.ExtraInfo.Req.getRootAsReq(input);
        byte[] result;
        if (req.infoType() == Info.Var) {
            io.github.api7.A6.ExtraInfo.Var var = (io.github.api7.A6.ExtraInfo.Var) req.info(new io.github.api7.A6.ExtraInfo.Var());
            String value = request == null ? null : request.vars().get(var.name());
            result = value == null ? null : value.getBytes(StandardCharsets.UTF_8);
        } else if (req.infoType() == Info.ReqBody) {
            bodyRequests.incrementAndGet();
            result = request == null ? null : request.body();
        } else {
            throw new RpcFailure("failed to handle RPC_EXTRA_INFO: unsupported info type: " + req.infoType());
        }
        FlatBufferBuilder b = new FlatBufferBuilder(result == null ? 32 : result.length + 64);
        int packed = result == null ? 0 : io.github.api7.A6.ExtraInfo.Resp.createResultVector(b, result);
        io.github.api7.A6.ExtraInfo.Resp.startResp(b);
        if (packed != 0) {
            io.github.api7.A6.ExtraInfo.Resp.addResult(b, packed);
        }
        b.finish(io.github.api7.A6.ExtraInfo.Resp.endResp(b));
        return b.dataBuffer();
    }

    private static void send(FrameChannel conn, int type, ByteBuffer data, String error) throws RpcFailure {
        if (data.remaining() > FrameChannel.MAX_PAYLOAD) {
            throw new RpcFailure(error + String.format("the max length of data is %d but got %d", FrameChannel.MAX_PAYLOAD, data.remaining()));
        }
        try {
            conn.write(type, data);
        } catch (IOException e) {
            throw new RpcFailure(error + e.getMessage());
        }
    }

    private static Frame receive(FrameChannel conn, String error) throws RpcFailure {
        Frame frame;
        try {
            frame = conn.read();
        } catch (IOException e) {
            throw new RpcFailure(error + e.getMessage());
        }
        if (frame == null) {
            throw new RpcFailure(error + "closed");
        }
        if (frame.type() == RpcType.ERROR) {
            int code = io.github.api7.A6.Err.Resp.getRootAsResp(frame.payload()).code();
            String msg = switch (code) {
                case io.github.api7.A6.Err.Code.BAD_REQUEST -> "bad request";
                case io.github.api7.A6.Err.Code.SERVICE_UNAVAILABLE -> "service unavailable";
                case io.github.api7.A6.Err.Code.CONF_TOKEN_NOT_FOUND -> "conf token not found";
                default -> "unknown err " + code;
            };
            throw new RpcFailure(error + msg);
        }
        return frame;
    }

    // recreate_lrucache runs in the worker that met the error: its own lrucache goes, and the shared
    // dict, which is everyone's; other workers keep theirs (only a runner_exit event reaches them all).
    private void recreateLrucache(int worker) {
        shdict.clear();
        lrucaches.remove(worker);
    }

    // generate_id: worker id in the high bits, a counter below.
    private long generateId() {
        return workerCounter.getAndIncrement() & ((1 << 22) - 1);
    }

    private static int method(String name) {
        for (int i = 0; i < Method.names.length; i++) {
            if (Method.names[i].equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("method: " + name);
    }

    private static int[] entries(FlatBufferBuilder b, List<TextEntry> entries) {
        int[] offsets = new int[entries.size()];
        for (int i = 0; i < offsets.length; i++) {
            int name = b.createString(entries.get(i).name());
            int value = entries.get(i).value() == null ? 0 : b.createString(entries.get(i).value());
            offsets[i] = io.github.api7.A6.TextEntry.createTextEntry(b, name, value);
        }
        return offsets;
    }

    private static void closeQuietly(SocketChannel c) {
        try {
            c.close();
        } catch (IOException e) {
            // already gone
        }
    }

    @Override
    public void close() {
        SocketChannel c;
        while ((c = idle.pollFirst()) != null) {
            closeQuietly(c);
        }
    }

    private record Cached(long token, long expiresAt) {}

    @FunctionalInterface
    private interface Handler<T> {
        T run(FrameChannel conn) throws RpcFailure;
    }

    static final class RpcFailure extends Exception {
        RpcFailure(String message) {
            super(message, null, false, false);
        }
    }
}
