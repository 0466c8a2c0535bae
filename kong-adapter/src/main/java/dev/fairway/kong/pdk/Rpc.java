package dev.fairway.kong.pdk;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code plugin.*} methods Kong calls, answered the way Kong's {@code mp_rpc.lua} expects.
 * Error texts matter: Kong restarts an instance only when the error contains "no plugin instance".
 */
final class Rpc<C> {
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

    Rpc(KongPlugin<C> plugin, Registry<C> registry) {
        this.plugin = plugin;
        this.info = plugin.info();
        this.registry = registry;
    }

    Reply handle(String method, List<Object> params) {
        Object arg = params.isEmpty() ? null : params.get(0);
        try {
            return switch (method) {
                case "plugin.StartInstance" -> startInstance(map(arg));
                case "plugin.CloseInstance" -> closeInstance(arg);
                case "plugin.HandleEvent" -> handleEvent(map(arg));
                // Kong never sends plugin.StepError over MessagePack: call_pdk_method drops the error value.
                case "plugin.Step", "plugin.StepMultiMap", "plugin.StepCredential", "plugin.StepConsumer",
                     "plugin.StepRoute", "plugin.StepService", "plugin.StepMemoryStats" -> step(map(arg));
                case "plugin.GetStatus" -> Reply.ok(status());
                case "plugin.GetPluginInfo" -> pluginInfo(arg);
                default -> Reply.fail("unknown method: " + method);
            };
        } catch (BadArgument e) {
            return Reply.fail(method + ": " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("{} failed", method, e);
            return Reply.fail(method + ": the plugin server failed (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Reply.fail(method + ": the plugin server is shutting down");
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

    private Reply handleEvent(Map<?, ?> arg) throws InterruptedException {
        if (registry.intakeStopped()) {
            return Reply.fail(STOPPING);
        }
        long id = number(arg.get("InstanceId"), "InstanceId");
        String phase = Kong.text(arg.get("EventName"));
        Registry<C>.Instance instance = registry.instance(id);
        if (instance == null) {
            return Reply.fail(noInstance(id));
        }
        if (!info.phases().contains(phase)) {
            return Reply.fail(info.name() + " does not handle the " + phase + " phase (it handles " + info.phases() + ")");
        }
        Event event = registry.openEvent(instance, phase);
        Thread.ofVirtual().name("kong-event-" + event.id()).start(() -> run(instance, event));
        return next(event);
    }

    private void run(Registry<C>.Instance instance, Event event) {
        try {
            plugin.handle(event.phase(), instance.config, new Kong(event));
            event.handlerReturned();
        } catch (EventAbandonedException e) {
            LOG.debug("{}", e.getMessage());
        } catch (Exception | Error e) {
            LOG.warn("{} failed in the {} phase: {}", info.name(), event.phase(), e.toString());
            event.handlerFailed(info.name() + " failed in the " + event.phase() + " phase (" + e.getClass().getSimpleName() + ")");
        }
    }

    private Reply step(Map<?, ?> arg) throws InterruptedException {
        long id = number(arg.get("EventId"), "EventId");
        if (registry.takeExited(id)) {
            return Reply.ok(eventReply(id, RET));
        }
        Event event = registry.event(id);
        if (event == null) {
            return Reply.fail("event id " + id + " not found");
        }
        event.resume(arg.get("Data"));
        return next(event);
    }

    private Reply next(Event event) throws InterruptedException {
        return switch (event.next()) {
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
