package dev.fairway.cache;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Coalesces identical cache misses: the first request for a key leads and goes upstream, the others
 * follow and wait for what it stored. A follower's wait is bounded by a timer; when the leader
 * stores nothing or the wait runs out, the follower goes upstream itself. Nothing here blocks.
 */
final class SingleFlight {
    /** Schedules a task after a delay and returns what cancels it; injectable so tests decide when waits run out. */
    interface Timer {
        Runnable schedule(long delayMillis, Runnable task);
    }

    private final ConcurrentHashMap<String, Flight> flights = new ConcurrentHashMap<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final Timer timer;

    SingleFlight(Timer timer) {
        this.timer = requireNonNull(timer, "timer");
    }

    /** Joins the flight for {@code key}: as its leader when none is under way, else as a follower. */
    Flight join(String key) {
        Flight mine = new Flight(key);
        Flight current = flights.putIfAbsent(key, mine);
        return current == null ? mine : current.asFollower();
    }

    int inFlight() {
        return flights.size();
    }

    /** Followers waiting for a leader right now. */
    int waiting() {
        return waiting.get();
    }

    /** One follower's wait: ends once, by the leader landing or by its timer. */
    private final class Wait {
        final CompletableFuture<CachedResponse> result = new CompletableFuture<>();
        final AtomicReference<Runnable> cancelTimer = new AtomicReference<>();
        private final AtomicBoolean ended = new AtomicBoolean();

        Wait() {
            waiting.incrementAndGet();
        }

        void end(CachedResponse stored) {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            // Bookkeeping first: whoever sees the result must also see the wait gone and its timer
            // cancelled, so a finished wait does not pin the entry until its deadline.
            waiting.decrementAndGet();
            Runnable cancel = cancelTimer.get();
            if (cancel != null) {
                cancel.run();
            }
            result.complete(stored);
        }
    }

    /** One key's flight, seen by its leader or one follower. */
    final class Flight {
        private final String key;
        private final CompletableFuture<CachedResponse> landed;
        private final boolean leader;

        private Flight(String key) {
            this(key, new CompletableFuture<>(), true);
        }

        private Flight(String key, CompletableFuture<CachedResponse> landed, boolean leader) {
            this.key = key;
            this.landed = landed;
            this.leader = leader;
        }

        boolean leader() {
            return leader;
        }

        /** Whether the leader is done (it stored an answer or nothing). */
        boolean landed() {
            return landed.isDone();
        }

        private Flight asFollower() {
            return new Flight(key, landed, false);
        }

        /**
         * What the leader stored, or null when it stored nothing or {@code waitMillis} passed first.
         * Never completes exceptionally.
         */
        CompletableFuture<CachedResponse> await(long waitMillis) {
            Wait wait = new Wait();
            landed.whenComplete((r, t) -> wait.end(t == null ? r : null));
            if (!wait.result.isDone()) {
                wait.cancelTimer.set(timer.schedule(waitMillis, () -> wait.end(null)));
                if (wait.result.isDone()) {
                    wait.cancelTimer.get().run();
                }
            }
            return wait.result;
        }

        /**
         * The leader is done: {@code stored} is the entry followers may serve, or null. Ends the
         * flight first, so requests arriving from now on look the key up instead of waiting.
         */
        void land(CachedResponse stored) {
            if (!leader) {
                return;
            }
            flights.remove(key, this);
            landed.complete(stored);
        }
    }
}
