package dev.fairway.kong.pdk;

import java.security.SecureRandom;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live plugin instances and events. Kong never reliably closes what it starts (a worker exits, a
 * configuration changes on one worker only), so both expire when idle: an expired instance is
 * restarted by Kong on its next event ("no plugin instance"), an expired event frees its handler.
 */
final class Registry<C> {
    private static final Logger LOG = LoggerFactory.getLogger(Registry.class);

    /** One started configuration. */
    final class Instance {
        final long id;
        final String name;
        final String configJson;
        final C config;
        final long startTimeSeconds;
        volatile long lastUsed;

        Instance(long id, String name, String configJson, C config, long startTimeSeconds) {
            this.id = id;
            this.name = name;
            this.configJson = configJson;
            this.config = config;
            this.startTimeSeconds = startTimeSeconds;
            this.lastUsed = clock.getAsLong();
        }

        Map<String, Object> status() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("Id", id);
            m.put("Name", name);
            m.put("Config", configJson);
            m.put("StartTime", startTimeSeconds);
            return m;
        }
    }

    private final KongPlugin<C> plugin;
    private final LongSupplier clock;
    private final long eventTimeoutNanos;
    private final long instanceIdleNanos;
    private final Map<Long, Instance> instances = new ConcurrentHashMap<>();
    private final Map<Long, Event> events = new ConcurrentHashMap<>();
    /** Events whose last call (exit) went out, by id, with when it went: only a "ret" is still owed. */
    private final Map<Long, Long> exited = new ConcurrentHashMap<>();
    /**
     * Ids start at a random point, so that no two plugin-server processes (nor two servers in one
     * process) hand out the same ones: Kong workers cache instance ids across our restarts and only
     * learn of a restart after using a cached id once, which must then miss ("no plugin instance")
     * rather than select another route's instance. Event ids likewise, for a step that reaches a
     * restarted server. Below 2^52 with room to count up, so Lua reads every id exactly (2^53).
     */
    private final AtomicLong nextInstance = new AtomicLong(randomStart());
    private final AtomicLong nextEvent = new AtomicLong(randomStart());

    static long randomStart() {
        // Seeded by the OS, not the clock: two servers started in the same instant still differ.
        return new SecureRandom().nextLong(1L << 40, 1L << 52);
    }

    Registry(KongPlugin<C> plugin, LongSupplier clock, long eventTimeoutNanos, long instanceIdleNanos) {
        this.plugin = plugin;
        this.clock = clock;
        this.eventTimeoutNanos = eventTimeoutNanos;
        this.instanceIdleNanos = instanceIdleNanos;
    }

    /** Whether new instances and events are refused: the server is draining. */
    private volatile boolean intakeStopped;

    void stopIntake() {
        intakeStopped = true;
    }

    boolean intakeStopped() {
        return intakeStopped;
    }

    /** Waits until no event is open (exited markers aside) or the time is up; true when none is. */
    boolean awaitNoOpenEvents(long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        while (!events.isEmpty()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    Instance start(String name, String configJson) {
        C config = plugin.start(configJson);
        Instance i = new Instance(nextInstance.incrementAndGet(), name, configJson, config, System.currentTimeMillis() / 1000);
        instances.put(i.id, i);
        return i;
    }

    /** The instance, marked as used; null when unknown or expired. */
    Instance instance(long id) {
        Instance i = instances.get(id);
        if (i != null) {
            i.lastUsed = clock.getAsLong();
        }
        return i;
    }

    Instance close(long id) {
        Instance i = instances.remove(id);
        if (i != null) {
            closeQuietly(i);
        }
        return i;
    }

    List<Instance> instances() {
        return List.copyOf(instances.values());
    }

    Event openEvent(Instance instance, String phase) {
        Event e = new Event(nextEvent.incrementAndGet(), instance.id, phase, clock);
        events.put(e.id(), e);
        return e;
    }

    Event event(long id) {
        return events.get(id);
    }

    void finish(Event e) {
        events.remove(e.id(), e);
    }

    /**
     * The event sent its last call (exit). In the access phase Kong never steps again: it runs the
     * plugin in a coroutine with the response delayed, and exit yields that coroutine for good
     * ({@code kong/init.lua} {@code execute_collecting_plugins_iterator}), so nothing is kept.
     * Elsewhere Kong steps once more and only a "ret" is owed: a small marker waits for that step.
     */
    void exited(Event e) {
        events.remove(e.id(), e);
        if (!e.phase().equals("access")) {
            exited.put(e.id(), clock.getAsLong());
        }
    }

    /** Whether the event had exited; forgets it either way. */
    boolean takeExited(long eventId) {
        return exited.remove(eventId) != null;
    }

    int instanceCount() {
        return instances.size();
    }

    int eventCount() {
        return events.size() + exited.size();
    }

    /** Expires idle events and instances; returns how many of each went. */
    int[] sweep() {
        long now = clock.getAsLong();
        int expiredEvents = 0;
        for (Iterator<Event> it = events.values().iterator(); it.hasNext(); ) {
            Event e = it.next();
            if (e.idleLongerThan(now, eventTimeoutNanos)) {
                it.remove();
                e.abandon();
                expiredEvents++;
            }
        }
        exited.values().removeIf(at -> now - at > eventTimeoutNanos);
        int expiredInstances = 0;
        for (Iterator<Instance> it = instances.values().iterator(); it.hasNext(); ) {
            Instance i = it.next();
            if (now - i.lastUsed > instanceIdleNanos) {
                it.remove();
                closeQuietly(i);
                expiredInstances++;
            }
        }
        if (expiredEvents + expiredInstances > 0) {
            LOG.debug("expired {} idle event(s) and {} idle instance(s)", expiredEvents, expiredInstances);
        }
        return new int[] {expiredEvents, expiredInstances};
    }

    void closeAll() {
        events.values().forEach(Event::abandon);
        events.clear();
        exited.clear();
        instances.values().forEach(this::closeQuietly);
        instances.clear();
    }

    private void closeQuietly(Instance i) {
        try {
            plugin.close(i.config);
        } catch (RuntimeException e) {
            LOG.warn("closing plugin instance {} failed: {}", i.id, e.toString());
        }
    }
}
