package dev.fairway.kong.pdk;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One event (one phase of one request) in flight. Its handler runs on the thread that read Kong's
 * {@code plugin.HandleEvent}, writes each PDK call as the reply to Kong's last message itself, and
 * reads Kong's next step from the same connection: Kong's pool hands its most recently used socket
 * out first, so the step usually comes back there, and a PDK call then costs no thread hand-off at
 * all. When the step comes on another connection, that connection's thread passes it, connection
 * and all, to the handler ({@link #resume}), which gives the connection it was watching to a new
 * serving thread: one hand-off.
 */
final class Event implements PdkChannel {
    private static final Logger LOG = LoggerFactory.getLogger(Event.class);
    private static final Object ABANDONED = new Object();

    sealed interface Output permits Call, Done, Failed {}

    record Call(String method, List<Object> args, boolean last) implements Output {}

    record Done() implements Output {}

    record Failed(String message) implements Output {}

    /** The reply Kong waits for: to request {@code msgId} on {@code connection}. */
    record Owed(Connection connection, Object msgId) {}

    /** Kong's next step, come on another connection than the one the handler watches. */
    private record Resume(Object data, Owed owed) {}

    /** Turns an output into Kong's reply and keeps the registry in step; see {@link Rpc}. */
    interface Outlet {
        Rpc.Reply reply(Event event, Output output);

        /** Serves the connection on a new thread, starting with {@code request} when not null. */
        void serve(Connection connection, Connection.Request request);

        /** Passes a request the handler read but is not its step on: to its event, or to a new thread. */
        void pass(Connection connection, Connection.Request request);
    }

    private final long id;
    private final String phase;
    private final long instanceId;
    private final LongSupplier clock;
    private final BlockingQueue<Object> toPlugin = new LinkedBlockingQueue<>();
    private final AtomicReference<Owed> owed = new AtomicReference<>();
    private volatile Outlet outlet;
    /**
     * The connection the handler's thread holds (reads, and serves once the handler ends). Only that
     * thread uses it, but {@link #abandon()} may take it from a handler that computes past the
     * event's timeout, so that Kong's next request on it is not held up behind the handler.
     */
    private final AtomicReference<Connection> held = new AtomicReference<>();
    /** The connection the handler waits on, to wake it when something comes through {@link #toPlugin}. */
    private volatile Connection waitingOn;
    private volatile long lastActivity;
    private volatile boolean lastCallMade;
    private volatile boolean abandoned;
    private volatile String pendingMethod;
    /** Guarded by {@link #toPlugin}: no step is taken any more. */
    private boolean ended;

    Event(long id, long instanceId, String phase, LongSupplier clock) {
        this.id = id;
        this.instanceId = instanceId;
        this.phase = phase;
        this.clock = clock;
        this.lastActivity = clock.getAsLong();
    }

    long id() {
        return id;
    }

    long instanceId() {
        return instanceId;
    }

    String phase() {
        return phase;
    }

    /** Before the handler runs, on its thread: the HandleEvent request it answers first. */
    void begin(Connection connection, Object msgId, Outlet outlet) {
        this.outlet = outlet;
        this.held.set(connection);
        this.owed.set(new Owed(connection, msgId));
    }

    /** After the handler ended, on its thread: the connection the thread now holds, if any, to serve on. */
    Connection held() {
        return held.getAndSet(null);
    }

    // ---- handler side

    @Override
    public Object call(String method, List<Object> args) {
        checkOpen(method);
        pendingMethod = method;
        if (!send(new Call(method, args, false))) {
            throw new EventAbandonedException(id);
        }
        return awaitStep();
    }

    @Override
    public void callLast(String method, List<Object> args) {
        checkOpen(method);
        lastCallMade = true;
        send(new Call(method, args, true));
    }

    private void checkOpen(String method) {
        if (lastCallMade) {
            throw new IllegalStateException(method + ": the event already made its last call (kong.response.exit)");
        }
    }

    void handlerReturned() {
        if (!lastCallMade) {
            send(new Done());
        }
    }

    void handlerFailed(String message) {
        if (!lastCallMade) {
            send(new Failed(message));
        }
    }

    /** Answers the request Kong waits on; false when there is none (the event was abandoned). */
    private boolean send(Output output) {
        Owed o = owed.getAndSet(null);
        if (o == null) {
            return false;
        }
        touch();
        write(o, outlet.reply(this, output));
        return true;
    }

    private Object awaitStep() {
        try {
            while (true) {
                Connection c = held.get();
                Object next;
                if (c == null) {
                    next = toPlugin.take();
                } else {
                    Connection.Request r = awaitOn(c);
                    if (r == null) { // Kong closed it: the step can only come on another connection
                        c.close();
                        held.set(null);
                        continue;
                    }
                    if (r != Connection.WOKEN) {
                        if (isOwnStep(r)) {
                            owed.set(new Owed(c, r.msgId()));
                            touch();
                            return data(r);
                        }
                        held.set(null);
                        outlet.pass(c, r);
                        continue;
                    }
                    next = toPlugin.poll();
                }
                if (next == ABANDONED) {
                    throw new EventAbandonedException(id);
                }
                Resume resume = (Resume) next;
                if (c != null) {
                    outlet.serve(c, null);
                }
                held.set(resume.owed().connection());
                owed.set(resume.owed());
                return resume.data();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EventAbandonedException(id);
        } catch (IOException e) {
            // The connection broke (or sent garbage): close it, and wait for the step elsewhere.
            LOG.debug("Kong connection failed while event {} waited on it: {}", id, e.toString());
            Connection broken = held.getAndSet(null);
            if (broken != null) {
                broken.close();
            }
            return awaitStep();
        }
    }

    private Connection.Request awaitOn(Connection c) throws IOException {
        waitingOn = c;
        try {
            return c.awaitRequest(() -> !toPlugin.isEmpty());
        } finally {
            waitingOn = null;
        }
    }

    private boolean isOwnStep(Connection.Request r) {
        return !abandoned && r.method().startsWith("plugin.Step") && !r.params().isEmpty()
                && r.params().get(0) instanceof java.util.Map<?, ?> m && Long.valueOf(id).equals(m.get("EventId"));
    }

    private static Object data(Connection.Request r) {
        return ((java.util.Map<?, ?>) r.params().get(0)).get("Data");
    }

    // ---- other threads

    /**
     * Kong's next step came on {@code connection}: the handler takes it, and the connection with it.
     * False when the handler has ended (the event expired meanwhile): the caller answers Kong.
     */
    boolean resume(Object data, Connection connection, Object msgId) {
        synchronized (toPlugin) {
            if (ended) {
                return false;
            }
            touch();
            toPlugin.add(new Resume(data, new Owed(connection, msgId)));
        }
        wake();
        return true;
    }

    /**
     * After the handler ended, on its thread: a step that reached the event while it was being
     * abandoned is answered as one for an unknown event, and its connection served again.
     */
    void end() {
        List<Object> left = new java.util.ArrayList<>();
        synchronized (toPlugin) {
            ended = true;
            toPlugin.drainTo(left);
        }
        for (Object o : left) {
            if (o instanceof Resume r) {
                write(r.owed(), Rpc.Reply.fail("event id " + id + " not found"));
                outlet.serve(r.owed().connection(), null);
            }
        }
    }

    /**
     * Frees both sides: a waiting handler gets {@link EventAbandonedException}; a request Kong
     * still waits on gets an error.
     */
    void abandon() {
        abandoned = true;
        Owed o = owed.getAndSet(null);
        if (o != null) {
            // The handler computes, holding the connection Kong waits on: Kong gets its error, and the
            // connection a serving thread, as the handler may take much longer still.
            write(o, Rpc.Reply.fail("event " + id + " expired waiting for " + (pendingMethod == null ? "the plugin" : pendingMethod)));
            Connection c = held.getAndSet(null);
            if (c != null && c.isOpen()) {
                outlet.serve(c, null);
            }
        }
        toPlugin.add(ABANDONED);
        wake();
    }

    private void wake() {
        Connection c = waitingOn;
        if (c != null) {
            c.wakeUp();
        }
    }

    private void write(Owed o, Rpc.Reply reply) {
        try {
            o.connection().reply(o.msgId(), reply);
        } catch (IOException e) {
            // Kong is gone from this connection; the event waits for a step that will not come and expires.
            LOG.debug("replying to Kong for event {} failed: {}", id, e.toString());
            o.connection().close();
        }
    }

    boolean idleLongerThan(long now, long timeoutNanos) {
        return now - lastActivity > timeoutNanos;
    }

    private void touch() {
        lastActivity = clock.getAsLong();
    }
}
