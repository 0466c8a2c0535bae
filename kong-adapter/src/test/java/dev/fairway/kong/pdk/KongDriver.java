package dev.fairway.kong.pdk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.Value;

/**
 * Plays one nginx worker of Kong against a plugin server, as Kong's
 * {@code runloop/plugin_servers/rpc/mp_rpc.lua} and {@code plugin.lua} do: a fresh request
 * {@code [0, msgid, method, {arg}]} per call on a socket from a keepalive pool ({@link Cosocket}),
 * notifications read before the response, one PDK call run per reply and nothing the plugin
 * server sends unasked ever run (dropped with the call's reader, or its socket closed in the
 * pool), the instance table keyed by plugin id and {@code __seq__}, the event loop that runs
 * each requested PDK function and answers with the Step variant for its result (never
 * {@code plugin.StepError}: {@code call_pdk_method} keeps only the first return value), the
 * reset-and-retry on an error containing "no plugin instance" with its {@code reset_instances}
 * worker event to the other workers ({@link WorkerEvents}, delivered when the test says), the
 * {@code serverPid} notification, the 500 Kong answers when the plugin's coroutine raises, and the
 * vault references Kong resolves in the configuration ({@code $refs}). Written independently of
 * the server's codec so that the two cannot share a mistake.
 */
public final class KongDriver implements AutoCloseable {
    private static final Map<String, String> STEP_BY_METHOD = Map.of(
            "kong.client.get_credential", "plugin.StepCredential",
            "kong.client.load_consumer", "plugin.StepConsumer",
            "kong.client.get_consumer", "plugin.StepConsumer",
            "kong.client.authenticate", "plugin.StepCredential",
            "kong.node.get_memory_stats", "plugin.StepMemoryStats",
            "kong.router.get_route", "plugin.StepRoute",
            "kong.router.get_service", "plugin.StepService",
            "kong.request.get_query", "plugin.StepMultiMap",
            "kong.request.get_headers", "plugin.StepMultiMap",
            "kong.response.get_headers", "plugin.StepMultiMap");

    /** An RPC error reply: Kong sees it as {@code nil, err}. */
    public static final class RpcError extends Exception {
        RpcError(String message) {
            super(message);
        }
    }

    /** Methods whose result {@code must_fix} turns into msgpack bin with {@code #str}: a nil raises. */
    private static final java.util.Set<String> FIX_RAW = java.util.Set.of(
            "kong.request.get_raw_body", "kong.response.get_raw_body", "kong.service.response.get_raw_body");
    /** Methods whose result {@code fix_mmap} walks with {@code pairs}: a nil raises. */
    private static final java.util.Set<String> FIX_MMAP = java.util.Set.of(
            "kong.request.get_query", "kong.request.get_headers", "kong.response.get_headers", "kong.service.response.get_headers");

    /**
     * Kong's worker events between simulated nginx workers ({@code kong.worker_events}): a post
     * reaches every worker, the poster included, but asynchronously; here, when {@link #deliver()}
     * is called, so that a test can place a request before or after the delivery.
     */
    public static final class WorkerEvents {
        private final List<KongDriver> workers = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final Deque<String> pending = new ConcurrentLinkedDeque<>();

        void post(String pluginName) {
            pending.add(pluginName);
        }

        /** Runs the "plugin_server"/"reset_instances" handler on every worker for each event posted so far. */
        public void deliver() {
            for (String plugin; (plugin = pending.poll()) != null; ) {
                for (KongDriver w : workers) {
                    w.resetInstancesForPlugin(plugin);
                }
            }
        }
    }

    /** The plugin configuration of one Kong plugin entity. */
    public record PluginConf(String pluginId, long seq, Map<String, Object> config) {}

    private record InstanceInfo(long id, long seq) {}

    private final Path socket;
    private final String pluginName;
    private final Deque<Cosocket> pool = new ConcurrentLinkedDeque<>();
    private final AtomicLong msgId = new AtomicLong();
    private final Map<String, InstanceInfo> running = new ConcurrentHashMap<>();
    public final List<String> errors = Collections.synchronizedList(new ArrayList<>());
    public final List<String> warnings = Collections.synchronizedList(new ArrayList<>());
    public final AtomicLong starts = new AtomicLong();
    /** RPC requests sent (each a round trip: a HandleEvent, a Step, an instance call). */
    public final AtomicLong rpcCalls = new AtomicLong();
    /** Bytes received after a reply in the same chunk: a message the plugin server sent unasked, lost as in Kong. */
    public final AtomicLong droppedBytes = new AtomicLong();
    /** Pooled sockets closed because they became readable while idle: likewise a message sent unasked. */
    public final AtomicLong staleClosed = new AtomicLong();
    private volatile Long serverPid;
    private final WorkerEvents workerEvents;
    private volatile Map<String, Object> configSchema;
    private volatile Map<String, String> vault = Map.of();

    public KongDriver(Path socket, String pluginName) {
        this(socket, pluginName, new WorkerEvents());
    }

    /** One worker of several that share {@code events}. */
    public KongDriver(Path socket, String pluginName, WorkerEvents events) {
        this.socket = socket;
        this.pluginName = pluginName;
        this.workerEvents = events;
        events.workers.add(this);
    }

    /**
     * Lets this worker resolve vault references as Kong does when it reads the plugin entity
     * ({@code process_auto_fields}, select context): {@code configField} is the plugin schema's
     * {@code config} field (from the dump), {@code values} what the vault holds by reference.
     */
    public KongDriver vault(Map<String, Object> configField, Map<String, String> values) {
        this.configSchema = configField;
        this.vault = Map.copyOf(values);
        return this;
    }

    // ---- transport (Rpc:call)

    /**
     * One {@code Rpc:call}: a request on a socket from the pool, then messages read until the reply
     * with its id. As in Kong, the reader lives for this call only, and any message other than
     * this call's reply or a notification raises (Lua's {@code assert}) in the plugin's coroutine,
     * which Kong answers with 500; that socket is not put back in the pool.
     */
    public Object call(String method, Object arg) throws RpcError, IOException {
        long id = msgId.incrementAndGet();
        rpcCalls.incrementAndGet();
        Cosocket ch = checkout();
        MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
        p.packArrayHeader(4).packInt(0).packLong(id).packString(method);
        if (arg == null) {
            p.packArrayHeader(0);
        } else {
            p.packArrayHeader(1);
            pack(p, arg);
        }
        ch.send(ByteBuffer.wrap(p.toByteArray()));
        Cosocket.Chunks chunks = ch.reader();
        MessageUnpacker in = MessagePack.newDefaultUnpacker(chunks);
        while (true) {
            if (!in.hasNext()) {
                ch.close();
                throw new IOException("no data");
            }
            List<Object> msg = asList(toJava(in.unpackValue()));
            if (((Long) msg.get(0)) == 2L) {
                notification((String) msg.get(1), msg.get(2));
                continue;
            }
            if ((Long) msg.get(0) != 1L || ((Long) msg.get(1)) != id) {
                ch.close();
                throw new Pdk.LuaError("mp_rpc.lua: assertion failed: RPC response " + msg.get(0) + "/" + msg.get(1)
                        + " where the response to " + id + " was expected");
            }
            // Whatever else the last chunk held goes with this call's reader.
            droppedBytes.addAndGet(chunks.received - in.getTotalReadBytes());
            pool.addFirst(ch);
            if (msg.get(2) != null) {
                throw new RpcError(String.valueOf(msg.get(2)));
            }
            return msg.get(3);
        }
    }

    /** The most recently used socket the pool still holds, else a new one; readable ones are closed, as nginx does. */
    private Cosocket checkout() throws IOException {
        for (Cosocket ch; (ch = pool.pollFirst()) != null; ) {
            if (!ch.stale()) {
                return ch;
            }
            staleClosed.incrementAndGet();
            ch.close();
        }
        return Cosocket.connect(socket);
    }

    private void notification(String label, Object args) {
        if (label.equals("serverPid")) {
            long pid = ((Number) args).longValue();
            if (serverPid != null && serverPid != pid) {
                running.clear();
            }
            serverPid = pid;
        }
    }

    public Long serverPid() {
        return serverPid;
    }

    // ---- instances (get_instance_id, reset_instance)

    public long startInstance(PluginConf conf) throws RpcError, IOException {
        Map<String, Object> arg = new LinkedHashMap<>();
        arg.put("Name", pluginName);
        arg.put("Config", kongConfigJson(conf));
        starts.incrementAndGet();
        Map<String, Object> status = asMap(call("plugin.StartInstance", arg));
        return (Long) status.get("Id");
    }

    // Synchronized: Kong's claim in running_instances makes other coroutines wait while one starts the instance.
    synchronized long instanceId(PluginConf conf) throws RpcError, IOException {
        InstanceInfo info = running.get(conf.pluginId());
        if (info != null && info.seq() == conf.seq()) {
            return info.id();
        }
        long id;
        try {
            id = startInstance(conf);
        } catch (RpcError e) {
            running.remove(conf.pluginId());
            errors.add("starting instance: " + e.getMessage());
            throw e;
        }
        running.put(conf.pluginId(), new InstanceInfo(id, conf.seq()));
        if (info != null) {
            try {
                call("plugin.CloseInstance", info.id());
            } catch (RpcError ignored) {
                // Kong does not care: another worker may have closed it first.
            }
        }
        return id;
    }

    /** Forgets every instance, as a worker does on "plugin_server/reset_instances". */
    public void forgetInstances() {
        running.clear();
    }

    // ---- events (handle_event, bridge_loop)

    /**
     * Runs one phase of the plugin on {@code req}, as Kong does; throws {@link RpcError} where Kong
     * would raise (the instance could not be started: nginx answers 500).
     */
    public KongRequest handle(PluginConf conf, String phase, KongRequest req) throws RpcError, IOException {
        for (int attempt = 0; attempt < 5; attempt++) {
            long id = instanceId(conf);
            String err;
            try {
                err = bridge(id, phase, req);
            } catch (Pdk.LuaError e) {
                // The plugin's coroutine raised: kong/init.lua logs it and answers 500; the event is never stepped again.
                errors.add(e.getMessage());
                req.exitStatus = 500;
                req.exitBody = "{\"message\":\"An unexpected error occurred\"}".getBytes(StandardCharsets.UTF_8);
                req.exitHeaders = Map.of("content-type", "application/json; charset=utf-8");
                return req;
            }
            if (err == null) {
                return req;
            }
            if (err.toLowerCase().contains("no plugin instance")) {
                // reset_instance: this worker's table at once, the others through a worker event.
                resetInstancesForPlugin(pluginName);
                workerEvents.post(pluginName);
                warnings.add(err);
                continue;
            }
            errors.add(err);
            return req;
        }
        throw new IllegalStateException("instance reset loop");
    }

    /** plugin.lua reset_instances_for_plugin: this worker forgets every instance of the plugin. */
    void resetInstancesForPlugin(String plugin) {
        if (plugin.equals(pluginName)) {
            running.clear();
        }
    }

    private String bridge(long instanceId, String phase, KongRequest req) throws IOException {
        Map<String, Object> stepIn;
        try {
            stepIn = asMap(call("plugin.HandleEvent", Map.of("InstanceId", instanceId, "EventName", phase)));
        } catch (RpcError e) {
            return e.getMessage();
        }
        Object eventId = stepIn.get("EventId");
        while (!"ret".equals(stepIn.get("Data"))) {
            Map<String, Object> data = asMap(stepIn.get("Data"));
            String method = (String) data.get("Method");
            List<Object> args = data.get("Args") instanceof List<?> l ? new ArrayList<>(l) : List.of();
            req.calls.add(method);
            Object ret = Pdk.invoke(method, args, req, phase, errors);
            if (ret == Pdk.YIELDED) {
                // kong.response.exit in a delayed-response phase yields the plugin's coroutine: no further step.
                return null;
            }
            if (ret == null && FIX_RAW.contains(method)) {
                // fix_raw's closure packs the nil as bin when the step is encoded: lua-MessagePack's #str raises.
                throw new Pdk.LuaError("MessagePack.lua: attempt to get length of local 'str' (a nil value)");
            }
            if (ret == null && FIX_MMAP.contains(method)) {
                throw new Pdk.LuaError("mp_rpc.lua: bad argument #1 to 'pairs' (table expected, got nil)");
            }
            String stepMethod = STEP_BY_METHOD.getOrDefault(method, "plugin.Step");
            Object stepData = ret;
            req.stepMethods.add(stepMethod);
            Map<String, Object> stepArg = new LinkedHashMap<>();
            stepArg.put("EventId", eventId);
            if (stepData != null) {
                stepArg.put("Data", stepData);
            }
            try {
                stepIn = asMap(call(stepMethod, stepArg));
            } catch (RpcError e) {
                return e.getMessage();
            }
        }
        return null;
    }

    /** The JSON Kong sends as Config: the user's fields plus Kong's own keys. */
    public String kongConfigJson(PluginConf conf) {
        Map<String, Object> all = new LinkedHashMap<>(conf.config());
        all.put("route_id", "7d3a9bb4-5c2e-4f0e-9a53-3c1f3f0f1e11");
        all.put("service_id", "0c9b8d5e-1f3a-4c6e-8b2d-6a7e9f0a1b22");
        all.put("consumer_id", null);
        all.put("plugin_instance_name", null);
        all.put("__plugin_id", conf.pluginId());
        all.put("__ws_id", "2b1f3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d");
        all.put("__key__", "plugins:" + pluginName + ":" + conf.pluginId());
        all.put("__seq__", conf.seq());
        if (configSchema != null) {
            all = KongAutoFields.resolveReferences(configSchema, all, vault);
        }
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(all);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        for (Cosocket ch; (ch = pool.pollFirst()) != null; ) {
            ch.close();
        }
    }

    // ---- msgpack, as lua-MessagePack packs Lua values

    static void pack(MessagePacker p, Object v) throws IOException {
        switch (v) {
            case null -> p.packNil();
            case String s -> p.packString(s);
            case Boolean b -> p.packBoolean(b);
            case Long l -> p.packLong(l);
            case Integer i -> p.packLong(i);
            case Double d -> {
                if (d == Math.rint(d) && !Double.isInfinite(d)) {
                    p.packLong(d.longValue());
                } else {
                    p.packDouble(d);
                }
            }
            case byte[] b -> p.packBinaryHeader(b.length).writePayload(b);
            case Map<?, ?> m -> {
                p.packMapHeader(m.size());
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    pack(p, e.getKey());
                    pack(p, e.getValue());
                }
            }
            case List<?> l -> {
                p.packArrayHeader(l.size());
                for (Object o : l) {
                    pack(p, o);
                }
            }
            default -> throw new IllegalArgumentException(v.getClass().getName());
        }
    }

    static Object toJava(Value v) {
        return switch (v.getValueType()) {
            case NIL -> null;
            case BOOLEAN -> v.asBooleanValue().getBoolean();
            case INTEGER -> v.asIntegerValue().toLong();
            case FLOAT -> v.asFloatValue().toDouble();
            case STRING -> new String(v.asStringValue().asByteArray(), StandardCharsets.UTF_8);
            case BINARY -> v.asBinaryValue().asByteArray();
            case ARRAY -> {
                List<Object> l = new ArrayList<>();
                v.asArrayValue().forEach(e -> l.add(toJava(e)));
                yield l;
            }
            case MAP -> {
                Map<Object, Object> m = new LinkedHashMap<>();
                v.asMapValue().entrySet().forEach(e -> m.put(toJava(e.getKey()), toJava(e.getValue())));
                yield m;
            }
            case EXTENSION -> throw new IllegalStateException("extension");
        };
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> asList(Object o) {
        return (List<Object>) o;
    }
}
