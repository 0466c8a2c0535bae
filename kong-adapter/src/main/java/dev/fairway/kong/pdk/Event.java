package dev.fairway.kong.pdk;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.LongSupplier;

/**
 * One event (one phase of one request) in flight: the handler runs on its own thread and hands
 * each PDK call to whichever connection carries Kong's next step, then waits for the result. Two
 * queues make the hand-off, so neither side holds a lock while the other works.
 */
final class Event implements PdkChannel {
    private static final Object ABANDONED = new Object();
    /** Stands for a nil result in the queue, which holds no nulls. */
    private static final Object NIL = new Object();

    sealed interface Output permits Call, Done, Failed {}

    record Call(String method, List<Object> args, boolean last) implements Output {}

    record Done() implements Output {}

    record Failed(String message) implements Output {}


    private final long id;
    private final String phase;
    private final long instanceId;
    private final LongSupplier clock;
    private final BlockingQueue<Output> toKong = new LinkedBlockingQueue<>();
    private final BlockingQueue<Object> toPlugin = new LinkedBlockingQueue<>();
    private volatile long lastActivity;
    private volatile boolean lastCallMade;
    private volatile String pendingMethod;

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

    // ---- handler side

    @Override
    public Object call(String method, List<Object> args) {
        checkOpen(method);
        pendingMethod = method;
        toKong.add(new Call(method, args, false));
        Object r;
        try {
            r = toPlugin.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EventAbandonedException(id);
        }
        if (r == ABANDONED) {
            throw new EventAbandonedException(id);
        }
        return r == NIL ? null : r;
    }

    @Override
    public void callLast(String method, List<Object> args) {
        checkOpen(method);
        lastCallMade = true;
        toKong.add(new Call(method, args, true));
    }

    private void checkOpen(String method) {
        if (lastCallMade) {
            throw new IllegalStateException(method + ": the event already made its last call (kong.response.exit)");
        }
    }

    void handlerReturned() {
        if (!lastCallMade) {
            toKong.add(new Done());
        }
    }

    void handlerFailed(String message) {
        if (!lastCallMade) {
            toKong.add(new Failed(message));
        }
    }

    // ---- Kong side

    /** Blocks until the handler's next output. */
    Output next() throws InterruptedException {
        Output o = toKong.take();
        touch();
        return o;
    }

    void resume(Object data) {
        touch();
        toPlugin.add(data == null ? NIL : data);
    }

    /** Frees both sides: a waiting handler gets {@link EventAbandonedException}, a waiting connection an error. */
    void abandon() {
        toPlugin.add(ABANDONED);
        toKong.add(new Failed("event " + id + " expired waiting for " + (pendingMethod == null ? "the plugin" : pendingMethod)));
    }

    boolean idleLongerThan(long now, long timeoutNanos) {
        return now - lastActivity > timeoutNanos;
    }

    private void touch() {
        lastActivity = clock.getAsLong();
    }
}
