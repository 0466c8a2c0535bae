package dev.fairway.lifecycle;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Lets one background thread wait for a moment when a CPU would otherwise be idle, while it keeps
 * its ordinary scheduling class: a helper thread in Linux's idle class ({@link IdleScheduling})
 * answers each request once it gets to run, which the kernel allows only when no ordinary thread
 * wants that CPU. The waiting thread then does a short step of its work and asks again.
 *
 * <p>Why not run the work itself in the idle class: a thread there that holds something others
 * need (a lock, a database's write transaction) and is preempted keeps it for as long as the machine
 * stays busy, and every ordinary thread that needs it waits that long; an unprivileged thread cannot
 * leave the class to finish. Behind a gate the work runs at ordinary priority and holds nothing
 * while it waits; what it gives up is that a request thread that wakes during a step waits for the
 * step's end.
 */
public final class IdleGate implements AutoCloseable {
    private final Thread helper;
    private final CompletableFuture<Boolean> entered = new CompletableFuture<>();
    /** Tickets: the waiter takes the next one and waits until the helper has answered it. */
    private final AtomicLong requested = new AtomicLong();
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong grants = new AtomicLong();
    private volatile Thread waiter;
    private volatile boolean closed;

    private IdleGate(String name) {
        // Started here, by an ordinary thread: the helper enters the idle class itself.
        this.helper = Thread.ofPlatform().name(requireNonNull(name, "name")).daemon(true).unstarted(this::run);
        helper.start();
    }

    /**
     * A gate whose helper thread is called {@code name}; empty, with the reason logged by
     * {@link IdleScheduling}, where the idle class cannot be entered.
     */
    public static Optional<IdleGate> start(String name) {
        IdleGate gate = new IdleGate(name);
        if (gate.entered.join()) {
            return Optional.of(gate);
        }
        gate.close();
        return Optional.empty();
    }

    /**
     * Waits until a CPU is idle: true once the helper ran after this call, false when it did not
     * within {@code timeoutNanos} (the machine stayed busy). One thread waits at a time.
     */
    public boolean await(long timeoutNanos) throws InterruptedException {
        waiter = Thread.currentThread();
        long ticket = requested.incrementAndGet();
        LockSupport.unpark(helper);
        long deadline = System.nanoTime() + timeoutNanos;
        while (answered.get() < ticket) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || closed) {
                return false;
            }
            LockSupport.parkNanos(this, left);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
        return true;
    }

    /** Requests answered so far. */
    public long grants() {
        return grants.get();
    }

    private void run() {
        boolean idle = IdleScheduling.enterForCurrentThread();
        entered.complete(idle);
        while (idle && !closed) {
            long ticket = requested.get();
            if (answered.get() < ticket) {
                answered.set(ticket);
                grants.incrementAndGet();
                LockSupport.unpark(waiter);
            } else {
                LockSupport.park(this);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(helper);
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }
}
