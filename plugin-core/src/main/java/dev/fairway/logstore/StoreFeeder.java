package dev.fairway.logstore;

import static java.util.Objects.requireNonNull;

import dev.fairway.lifecycle.IdleGate;
import dev.fairway.log.spool.Segments;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the log store from the spool, on a thread of its own (never the event loop), in batches.
 * The spool is the write-ahead log: the feeder reads complete lines after the node's stored
 * position and appends them with the new position in one transaction ({@link LogStore#append}).
 * A crash re-reads from the stored position; a database outage leaves the records in the spool
 * and retries with doubling backoff; either way nothing is lost and, the append being idempotent by
 * log id, nothing is stored twice. The exporter keeps segments the feeder has not read yet
 * ({@link #position}).
 *
 * <p>While its backlog is small ({@link FeedBudget#keepsUp}) the feeder gives way to the requests,
 * so a peak of them is not slowed by the store's writes: before each read it waits for a CPU that
 * would otherwise be idle ({@link IdleGate}), and reads little at a time ({@link #IDLE_READ_MAX}) so
 * that a request thread waking meanwhile waits for one short step at most. Where there is no idle
 * scheduling class it keeps to a CPU budget ({@link FeedBudget}) instead. Past the limit it feeds
 * at full speed, so a lasting overload makes the store lag, never the backlog grow without bound.
 * The feeding itself always runs at ordinary priority: a write transaction held by a thread in the
 * idle class, preempted under load, kept the store's other writers out for seconds.
 */
public final class StoreFeeder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StoreFeeder.class);

    private final Path dir;
    private final LogStore store;
    private final String node;
    private final int batchSize;
    private final long pollMillis;
    private final RouteRetention retention;
    private final int cpuPercent;
    private final Pause pause;
    private final long backlogLimit;
    private final Thread thread;
    /** Waits for an idle CPU while the feeder keeps up; null where there is none to wait for (a CPU budget applies). */
    private final Gate gate;
    /** Whether the backlog was past the limit when last measured. Until the first measure it is taken to be, so a backlog left by a restart is not left to idle time. */
    private boolean behind = true;
    private final AtomicLong fed = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    /** The last sequence number committed to the store, -1 until read from it. */
    private volatile long position = -1;
    /** The last sequence number added to the store: {@link #position}, or past it while a transaction is open. */
    private long added = -1;
    /** The transaction being filled, null between transactions. */
    private Pending pending;
    private volatile boolean stopping;
    private final SpoolCursor cursor;
    /**
     * The most one read takes in (unless one line is longer), and the most line bytes one
     * transaction holds. What the feeder keeps between reading lines and storing them lives through
     * the young collections of that time, and under load there is always such a batch: the feeder
     * runs most of the time. Held in batches of 500 streamed answers (about 10 MiB) it was
     * promoted, and the old generation filled and was collected whole every few seconds under a
     * stream load. At 1 MiB, 20 s at 1,000 streams/s on a warm gateway still promoted 24 and 8 MiB,
     * with a whole-heap collection in each run; at 256 KiB, 2.2 and 4.4 MiB and none
     * (docs/benchmarks.md, "What changed (issue 22, wave 11)"), at a floor stream rate unchanged
     * within the runs' spread.
     */
    static final int READ_MAX = 1 << 18;
    /**
     * The most one read takes in while the feeder waits for idle CPU: one step between two waits,
     * and one transaction. A transaction costs about 350 us whatever it holds (its index and rollup
     * pages, the statements prepared again), so smaller steps cost more CPU per record: feeding
     * streamed records took 312 us each at 32 KiB, 200 to 250 at 64, 175 at 128 and 150 at 256
     * ({@code FeedBench 8000 25}), while the p90 of one connection's plain requests was 0.29 to 0.38
     * ms at 32 KiB, 0.28 to 0.45 at 64 and 0.39 to 0.46 at 128 (docs/benchmarks.md, "What changed
     * (issue 22, wave 13)"). A step is then up to about a millisecond of work.
     */
    static final int IDLE_READ_MAX = 1 << 16;
    /**
     * The most line bytes one statement batch holds: what is read is added to the store this much at
     * a time and let go, so the lines are never held long enough to be promoted (see {@link #READ_MAX}).
     */
    static final int BATCH_BYTES = 1 << 18;
    /**
     * The most line bytes one transaction takes in, over several reads (and at most
     * {@code batch_size} records). What a commit writes besides the records (the pages of eight
     * indexes, the rollups, the position) costs about the same however many records it holds: one
     * transaction per 256 KiB read cost 120 to 140 us per streamed record, one per 4 MiB with its
     * statements prepared once 80 ({@code FeedBench 15000 100}, docs/benchmarks.md, "What changed
     * (issue 22, wave 15)"). The lines are let go after each batch; SQLite keeps the transaction's pages in its own
     * cache. Bounds how long the store's other writers (PATCH, DELETE /logs) wait: tens of ms.
     */
    static final long TX_BYTES = 4L << 20;
    /**
     * How long a transaction stays open at most, across the waits for idle CPU between the short
     * steps of a feeder that keeps up as well: committing each step was a transaction per three or
     * four streamed records. Bounds how stale the store is while records keep coming, and how long
     * the store's other writers wait.
     */
    static final long TX_OPEN_NANOS = 100_000_000L;

    /** @param cpuPercent at most this share of one core while the backlog is small (1..100, 100: no limit) */
    public StoreFeeder(Path dir, LogStore store, String node, int batchSize, long pollMillis, RouteRetention retention,
            int cpuPercent) {
        this(dir, store, node, batchSize, pollMillis, retention, cpuPercent, nanos -> Thread.sleep(Duration.ofNanos(nanos)),
                cpuPercent < 100 ? idleGate() : null, FeedBudget.BACKLOG_LIMIT);
    }

    /** How the feeder waits out its CPU budget; tests see what is stored when it does. */
    interface Pause {
        void sleep(long nanos) throws InterruptedException;
    }

    /** How the feeder waits for an idle CPU ({@link IdleGate#await}); tests stand in for a machine that stays busy. */
    interface Gate extends AutoCloseable {
        boolean await(long timeoutNanos) throws InterruptedException;

        @Override
        default void close() {}
    }

    /** An {@link IdleGate}, or null where there is no idle class to wait for. */
    private static Gate idleGate() {
        return IdleGate.start("fairway-log-idle").<Gate>map(g -> new Gate() {
            @Override
            public boolean await(long timeoutNanos) throws InterruptedException {
                return g.await(timeoutNanos);
            }

            @Override
            public void close() {
                g.close();
            }
        }).orElse(null);
    }

    /**
     * @param gate waits for an idle CPU while the backlog is under {@code backlogLimit}; null: keep to
     *     the CPU budget instead
     */
    StoreFeeder(Path dir, LogStore store, String node, int batchSize, long pollMillis, RouteRetention retention,
            int cpuPercent, Pause pause, Gate gate, long backlogLimit) {
        this.pause = requireNonNull(pause, "pause");
        this.backlogLimit = backlogLimit;
        this.dir = requireNonNull(dir, "dir");
        this.cursor = new SpoolCursor();
        this.store = requireNonNull(store, "store");
        this.node = requireNonNull(node, "node");
        this.batchSize = batchSize;
        this.pollMillis = pollMillis;
        this.retention = requireNonNull(retention, "retention");
        // Checked here, not first in the feeder's thread, where a refusal would go unseen.
        this.cpuPercent = FeedBudget.checkPercent(cpuPercent);
        this.gate = gate;
        this.thread = Thread.ofPlatform().name("fairway-log-store").daemon(true).unstarted(this::run);
        thread.start();
    }

    /** The last sequence number stored, -1 until the store was first reached. */
    public long position() {
        return position;
    }

    /** Records stored by this process. */
    public long fed() {
        return fed.get();
    }

    /** Failed attempts to reach the store (each retried). */
    public long failures() {
        return failures.get();
    }

    private void run() {
        // Created here: it reads the CPU time of the thread that calls it. Behind a gate nothing needs a budget.
        FeedBudget budget = FeedBudget.ofCurrentThread(gate != null ? 100 : cpuPercent, backlogLimit);
        try {
            feedUntilStopped(budget);
        } finally {
            abandon();
        }
    }

    private void feedUntilStopped(FeedBudget budget) {
        long backoff = pollMillis;
        while (!stopping) {
            try {
                if (position < 0) {
                    position = store.position(node);
                    added = position;
                    cursor.unplace();
                }
                boolean progressed = feed(budget);
                backoff = pollMillis;
                if (!progressed) {
                    Thread.sleep(pollMillis);
                    budget.mark();
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                abandon();
                failures.incrementAndGet();
                LOG.warn("log store feed failed, retrying in {} ms: {}", backoff, e.getMessage());
                // Start again from what the store says it has: the spool still holds the rest.
                position = -1;
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = Math.min(backoff * 2, 5_000);
            }
        }
    }

    /** Reads what the spool holds after the position and stores it, until there is nothing more; false when there was nothing. */
    private boolean feed(FeedBudget budget) throws IOException, InterruptedException {
        List<Path> segments = Segments.list(dir);
        if (segments.isEmpty()) {
            behind = false;
            return false;
        }
        cursor.placeIfUnplaced(segments, position);
        boolean progressed = false;
        while (!stopping) {
            boolean gated = gate != null && !behind;
            if (gated && !awaitIdle()) {
                // No idle CPU for a whole poll: look whether the backlog has passed the limit meanwhile
                // (the segment being read too: it grew since the last read).
                segments = Segments.list(dir);
                behind = !budget.keepsUp(cursor.backlog(segments, true));
                continue;
            }
            // The transaction stays open for the next read: see TX_BYTES.
            boolean read = storeNextRead(gated ? IDLE_READ_MAX : READ_MAX);
            progressed |= read;
            if (read) {
                long backlog = cursor.backlog(segments, false);
                behind = !budget.keepsUp(backlog);
                // Whatever was read is stored by now: a paused feeder holds no lines (held through the
                // young collections of a pause, they would be promoted; see READ_MAX).
                long pause = budget.pauseNanos(backlog);
                if (pause > 0) {
                    commit();
                    this.pause.sleep(pause);
                }
            }
            if (!read && !cursor.next(segments)) {
                behind = false;
                break;
            }
        }
        commit();
        return progressed;
    }

    /**
     * Waits for idle CPU, for a poll at most; an open transaction is committed when the wait ends
     * without idle CPU, and the wait ends by the time the transaction reaches {@link #TX_OPEN_NANOS}.
     */
    private boolean awaitIdle() throws InterruptedException {
        long timeout = pollMillis * 1_000_000;
        if (pending != null) {
            timeout = Math.max(0, Math.min(timeout, pending.openedAt + TX_OPEN_NANOS - System.nanoTime()));
        }
        boolean idle = timeout > 0 && gate.await(timeout);
        if (!idle) {
            commit();
        }
        return idle;
    }

    /**
     * Reads the complete lines after the current offset and adds them to the store, in statement
     * batches of at most {@code batchSize} records and {@link #BATCH_BYTES}; false when there was no
     * complete line. The transaction is left open (see {@link #commit}).
     */
    private boolean storeNextRead(int readMax) throws IOException {
        List<byte[]> complete = cursor.read(readMax);
        List<SpoolLines.Request> batch = new ArrayList<>();
        long batchBytes = 0;
        long last = added;
        for (byte[] raw : complete) {
            SpoolLines.Line line = SpoolLines.parse(raw, node);
            if (line.seq() <= last) {
                continue;
            }
            if (line instanceof SpoolLines.Erasure erasure) {
                last = add(batch, last);
                batchBytes = 0;
                // The erasure runs in a transaction of its own, after every record before it.
                commit();
                for (String id : erasure.erased()) {
                    store.delete(new LogFilter(null, null, null, null, null, null, null, null, null, null, id,
                            null, null, null));
                }
                last = add(batch, erasure.seq());
            } else if (line instanceof SpoolLines.Request request) {
                batch.add(request);
                batchBytes += request.log().record().length;
                last = Math.max(last, request.seq());
                if (batch.size() >= batchSize || batchBytes >= BATCH_BYTES) {
                    last = add(batch, last);
                    batchBytes = 0;
                }
            } else {
                last = Math.max(last, line.seq());
            }
        }
        add(batch, last);
        return !complete.isEmpty();
    }

    /**
     * Adds {@code batch} and the position {@code last} to the open transaction (opening one), and
     * commits once it holds {@code batchSize} records or {@link #TX_BYTES}, or has been open
     * {@link #TX_OPEN_NANOS}; empties the batch.
     */
    private long add(List<SpoolLines.Request> batch, long last) {
        if (last <= added) {
            batch.clear();
            return last;
        }
        if (pending == null) {
            pending = new Pending(store.openAppend(node), retention.admission(store));
        }
        List<StoredLog> rows = pending.admission.admit(batch.stream().map(SpoolLines.Request::log).toList());
        pending.added += pending.append.add(last, rows);
        for (StoredLog r : rows) {
            if (r.route() != null) {
                pending.routes.merge(r.route(), 1L, Long::sum);
            }
        }
        for (SpoolLines.Request r : batch) {
            pending.records++;
            pending.bytes += r.log().record().length;
        }
        added = last;
        batch.clear();
        if (pending.records >= batchSize || pending.bytes >= TX_BYTES
                || System.nanoTime() - pending.openedAt >= TX_OPEN_NANOS) {
            commit();
        }
        return last;
    }

    /**
     * Commits the open transaction, if any: only then does {@link #position} move (the exporter
     * keeps what is past it), and retention runs. Called before every pause and poll, so the
     * store's write lock is never held while the feeder sleeps; across its waits for idle CPU it is
     * held {@link #TX_OPEN_NANOS} at most ({@link #awaitIdle}).
     */
    private void commit() {
        if (pending == null) {
            return;
        }
        Pending done = pending;
        pending = null;
        try (LogStore.Append append = done.append) {
            append.commit();
        }
        fed.addAndGet(done.added);
        position = added;
        retention.afterAppend(store, done.routes);
    }

    /** Rolls back the open transaction, if any: what it held is read again from the stored position. */
    private void abandon() {
        Pending dropped = pending;
        pending = null;
        if (dropped != null) {
            try {
                dropped.append.close();
            } catch (RuntimeException e) {
                // The connection goes back to the pool either way; the records are read again.
                LOG.warn("log store rollback failed: {}", e.getMessage());
            }
        }
        added = position;
    }

    /** One open transaction and what it holds: records and line bytes (its limits), and per route what it admitted. */
    private static final class Pending {
        final LogStore.Append append;
        final RouteRetention.Admission admission;
        final Map<String, Long> routes = new HashMap<>();
        final long openedAt = System.nanoTime();
        int records;
        long bytes;
        int added;

        Pending(LogStore.Append append, RouteRetention.Admission admission) {
            this.append = append;
            this.admission = admission;
        }
    }

    @Override
    public void close() {
        stopping = true;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (gate != null) {
            gate.close();
        }
    }
}
