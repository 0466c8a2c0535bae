package dev.fairway.kong.pdk;

import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code plugin.*} methods Kong calls, answered the way Kong's {@code mp_rpc.lua} expects.
 * Error texts matter: Kong restarts an instance only when the error contains "no plugin instance".
 */
final class Rpc<C> implements Event.Outlet {
    private static final Logger LOG = LoggerFactory.getLogger(Rpc.class);
    private static final String RET = "ret";
    /** Not "no plugin instance": Kong would restart the instance and retry, here again, without end. */
    static final String STOPPING = "the plugin server is stopping and takes no new events";

    /** The reply to one call: an error text, or a result. */
    record Reply(String error, Object result) {
        static Reply ok(Object result) {
            return new Reply(null, result);
        }

        static Reply fail(String error) {
            return new Reply(error, null);
        }
    }

    private final KongPlugin<C> plugin;
    private final PluginInfo info;
    private final Registry<C> registry;
    /**
     * Serving threads, kept for a while when idle: a thread that passed its connection to an
     * event's handler ends its task, and the handler that took it gives the connection it was
     * watching to a new task, which an idle thread then runs without a thread being started on
     * the handler's way back to Kong.
     */
    private final ExecutorService threads = Executors.newCachedThreadPool(Thread.ofPlatform().daemon().name("kong-connection-", 0).factory());

    Rpc(KongPlugin<C> plugin, Registry<C> registry) {
        this.plugin = plugin;
        this.info = plugin.info();
        this.registry = registry;
    }

    /**
     * Serves {@code connection} on the calling thread, starting with {@code first} when not null,
     * until Kong closes it. A {@code plugin.HandleEvent} runs the handler right here (the thread
     * then serves whichever connection the handler ended on); a step for an event hands the
     * connection to the event's handler, and this thread ends.
     */
    private void serveHere(Connection connection, Connection.Request first) {
        Connection c = connection;
        Connection.Request pending = first;
        while (c != null) {
            Connection current = c;
            try {
                Connection.Request r = pending != null ? pending : current.read();
                pending = null;
                if (r == null) {
                    current.close();
                    return;
                }
                c = dispatch(current, r);
            } catch (IOException | RuntimeException e) {
                if (!current.isOpen()) {
                    LOG.debug("Kong connection closed: {}", e.toString());
                } else {
                    LOG.warn("Kong connection failed: {}", e.toString());
                }
                current.close();
                return;
            }
        }
    }

    @Override
    public void serve(Connection connection, Connection.Request request) {
        threads.execute(() -> serveHere(connection, request));
    }

    /** Lets the serving threads end once their connections are closed. */
    void close() {
        threads.shutdown();
    }

    @Override
    public void pass(Connection connection, Connection.Request request) {
        if (isStep(request.method()) && !request.params().isEmpty() && request.params().get(0) instanceof Map<?, ?> arg
                && arg.get("EventId") instanceof Long id) {
            Event event = registry.event(id);
            if (event != null && event.resume(arg.get("Data"), connection, request.msgId())) {
                return;
            }
        }
        serve(connection, request);
    }

    /** Answers one request; returns the connection this thread serves next, null when it went to an event's handler. */
    private Connection dispatch(Connection c, Connection.Request r) throws IOException {
        String method = r.method();
        Object arg = r.params().isEmpty() ? null : r.params().get(0);
        try {
            if (method.equals("plugin.HandleEvent")) {
                return handleEvent(c, r.msgId(), map(arg));
            }
            if (isStep(method)) {
                return step(c, r.msgId(), map(arg));
            }
        } catch (BadArgument e) {
            c.reply(r.msgId(), Reply.fail(method + ": " + e.getMessage()));
            return c;
        }
        c.reply(r.msgId(), handle(method, r.params()));
        return c;
    }

    // Kong never sends plugin.StepError over MessagePack: call_pdk_method drops the error value.
    private static boolean isStep(String method) {
        return switch (method) {
            case "plugin.Step", "plugin.StepMultiMap", "plugin.StepCredential", "plugin.StepConsumer",
                 "plugin.StepRoute", "plugin.StepService", "plugin.StepMemoryStats" -> true;
            default -> false;
        };
    }

    /** The methods answered at once, without an event. */
    Reply handle(String method, List<Object> params) {
        Object arg = params.isEmpty() ? null : params.get(0);
        try {
            return switch (method) {
                case "plugin.StartInstance" -> startInstance(map(arg));
                case "plugin.CloseInstance" -> closeInstance(arg);
                case "plugin.GetStatus" -> Reply.ok(status());
                case "plugin.GetPluginInfo" -> pluginInfo(arg);
                default -> Reply.fail("unknown method: " + method);
            };
        } catch (BadArgument e) {
            return Reply.fail(method + ": " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("{} failed", method, e);
            return Reply.fail(method + ": the plugin server failed (" + e.getClass().getSimpleName() + ")");
        }
    }

    private Reply startInstance(Map<?, ?> arg) {
        if (registry.intakeStopped()) {
            return Reply.fail(STOPPING);
        }
        String name = Kong.text(arg.get("Name"));
        if (!info.name().equals(name)) {
            return Reply.fail("no plugin named " + name + " (this server serves " + info.name() + ")");
        }
        Object config = arg.get("Config");
        String json = config == null ? "{}" : Kong.text(config);
        try {
            return Reply.ok(registry.start(name, json).status());
        } catch (InvalidConfigException e) {
            return Reply.fail(info.name() + ": invalid configuration: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("starting an instance of {} failed", info.name(), e);
            return Reply.fail(info.name() + ": cannot start an instance (" + e.getClass().getSimpleName() + ")");
        }
    }

    private Reply closeInstance(Object arg) {
        long id = number(arg instanceof Map<?, ?> m ? m.get("InstanceId") : arg, "instance id");
        Registry<C>.Instance i = registry.close(id);
        return i == null ? Reply.fail(noInstance(id)) : Reply.ok(i.status());
    }

    private Connection handleEvent(Connection c, Object msgId, Map<?, ?> arg) throws IOException {
        if (registry.intakeStopped()) {
            c.reply(msgId, Reply.fail(STOPPING));
            return c;
        }
        long id = number(arg.get("InstanceId"), "InstanceId");
        String phase = Kong.text(arg.get("EventName"));
        Registry<C>.Instance instance = registry.instance(id);
        if (instance == null) {
            c.reply(msgId, Reply.fail(noInstance(id)));
            return c;
        }
        if (!info.phases().contains(phase)) {
            c.reply(msgId, Reply.fail(info.name() + " does not handle the " + phase + " phase (it handles " + info.phases() + ")"));
            return c;
        }
        Event event = registry.openEvent(instance, phase);
        event.begin(c, msgId, this);
        try {
            plugin.handle(event.phase(), instance.config, new Kong(event));
            event.handlerReturned();
        } catch (EventAbandonedException e) {
            LOG.debug("{}", e.getMessage());
        } catch (Exception | Error e) {
            LOG.warn("{} failed in the {} phase: {}", info.name(), event.phase(), e.toString());
            event.handlerFailed(info.name() + " failed in the " + event.phase() + " phase (" + e.getClass().getSimpleName() + ")");
        } finally {
            event.end();
        }
        return event.held();
    }

    private Connection step(Connection c, Object msgId, Map<?, ?> arg) throws IOException {
        long id = number(arg.get("EventId"), "EventId");
        if (registry.takeExited(id)) {
            c.reply(msgId, Reply.ok(eventReply(id, RET)));
            return c;
        }
        Event event = registry.event(id);
        if (event == null || !event.resume(arg.get("Data"), c, msgId)) {
            c.reply(msgId, Reply.fail("event id " + id + " not found"));
            return c;
        }
        return null;
    }

    @Override
    public Reply reply(Event event, Event.Output output) {
        return switch (output) {
            case Event.Call c -> {
                if (c.last()) {
                    registry.exited(event);
                }
                yield Reply.ok(eventReply(event.id(), call(c)));
            }
            case Event.Done d -> {
                registry.finish(event);
                yield Reply.ok(eventReply(event.id(), RET));
            }
            case Event.Failed f -> {
                registry.finish(event);
                yield Reply.fail(f.message());
            }
        };
    }

    private static Map<String, Object> call(Event.Call c) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("Method", c.method());
        data.put("Args", c.args());
        return data;
    }

    private static Map<String, Object> eventReply(long eventId, Object data) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("EventId", eventId);
        m.put("Data", data);
        return m;
    }

    private Map<String, Object> status() {
        Map<String, Object> plugin = new LinkedHashMap<>();
        plugin.put("Name", info.name());
        plugin.put("Instances", registry.instances().stream().map(i -> i.status()).toList());
        plugin.put("Events", registry.eventCount());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Pid", ProcessHandle.current().pid());
        m.put("Plugins", Map.of(info.name(), plugin));
        return m;
    }

    private Reply pluginInfo(Object arg) {
        String name = Kong.text(arg);
        return info.name().equals(name) ? Reply.ok(info.toKong()) : Reply.fail("no plugin named " + name);
    }

    static String noInstance(long id) {
        return "no plugin instance #" + id;
    }

    private static Map<?, ?> map(Object arg) {
        if (arg instanceof Map<?, ?> m) {
            return m;
        }
        throw new BadArgument("expected a map argument, got " + (arg == null ? "nothing" : arg.getClass().getSimpleName()));
    }

    private static long number(Object o, String what) {
        if (o instanceof Long l) {
            return l;
        }
        if (o instanceof Double d && d == Math.rint(d)) {
            return d.longValue();
        }
        throw new BadArgument(what + ": " + o + " (expected: an integer)");
    }

    private static final class BadArgument extends RuntimeException {
        BadArgument(String message) {
            super(message, null, false, false);
        }
    }
}
