package dev.fairway.log.spool;

import static java.util.Objects.requireNonNull;

import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves records from the request path to the spool. {@link #submit} never blocks: it hands the
 * record to a bounded queue drained by one writer thread, which renders, chains and appends records
 * in batches and syncs them per the fsync policy.
 *
 * <p>When the queue is full the record is dropped, not waited for: a slow disk must never slow the
 * answers. The loss is not silent: it is counted ({@link #dropped()}) and the next record written
 * carries {@code dropped_before}, inside the hash chain, so an auditor sees exactly where and how
 * many records are missing. The queue is large (65536 records by default) and the writer appends a
 * whole batch with one system call, so drops mean the disk has stalled.
 *
 * <p>The queue is bounded in bytes as well as in records ({@link SpoolRecord#heldBytes()}): a
 * streamed answer's record holds tens of KB, so a stalled writer would otherwise fill the heap long
 * before the record bound, and the process would spend its time in whole-heap collections (or die)
 * instead of answering. A record is accepted whenever nothing else waits, however large, so one
 * larger than the bound is not always dropped. Durable records (erasures) are not held to the byte
 * bound: they are rare, small and waited for.
 */
public final class SpoolWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SpoolWriter.class);
    private static final int BATCH = 512;
    /** How long a batch gathers after the previous one while records keep coming (see {@link #linger}). */
    private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    /** The line's usual size: a streamed answer's record (~18 KB) fits without growing. */
    private static final int LINE_BYTES = 64 * 1024;
    /** Bytes written to the active segment that have it forced ahead of the writer's own syncs ({@link SyncAhead}). */
    static final long SYNC_AHEAD_BYTES = 1024 * 1024;
    /** A line grown past this for one record is dropped afterwards rather than kept. */
    private static final int LINE_KEPT_BYTES = 1024 * 1024;

    public enum Fsync { ALWAYS, INTERVAL, NEVER }

    private final Spool spool;
    private final BlockingQueue<Object> queue;
    private final Fsync fsync;
    private final long fsyncIntervalMillis;
    private final Clock clock;
    private final Runnable onRoll;
    private final Thread thread;
    private final SyncAhead syncAhead;
    /**
     * The line each record is rendered into, the writer thread's own: reused for every record, so
     * rendering allocates no array per record and the hash and the spool read the bytes where they lie.
     */
    private Line line = new Line(LINE_BYTES);
    /** The chain's digest, the writer thread's own: reused for every record. */
    private final MessageDigest digest = Chain.sha256();
    private final long maxQueuedBytes;
    /** {@link SpoolRecord#heldBytes()} of the records accepted and not yet appended. */
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private long droppedReported;
    /** {@link #droppedReported} as of the last records written: what a failed write goes back to. */
    private long droppedReportedWritten;
    /** Records appended to the spool's buffer and not yet written (the writer thread's own). */
    private int appended;
    private long lastSync;
    private volatile boolean stopping;

    /**
     * @param capacity the most records that wait for the writer
     * @param maxQueuedBytes the most {@link SpoolRecord#heldBytes()} that wait for it
     * @param onRoll called on the writer thread after a segment was closed (wakes the exporter)
     */
    public SpoolWriter(Spool spool, int capacity, long maxQueuedBytes, Fsync fsync, long fsyncIntervalMillis, Clock clock,
                       Runnable onRoll) {
        this.spool = requireNonNull(spool, "spool");
        this.queue = new ArrayBlockingQueue<>(capacity);
        if (maxQueuedBytes <= 0) {
            throw new IllegalArgumentException("maxQueuedBytes: %s (expected: > 0)".formatted(maxQueuedBytes));
        }
        this.maxQueuedBytes = maxQueuedBytes;
        this.fsync = requireNonNull(fsync, "fsync");
        this.fsyncIntervalMillis = fsyncIntervalMillis;
        this.clock = requireNonNull(clock, "clock");
        this.onRoll = requireNonNull(onRoll, "onRoll");
        this.syncAhead = new SyncAhead("fairway-log-sync");
        this.thread = Thread.ofPlatform().name("fairway-log-writer").daemon(true).unstarted(this::run);
        thread.start();
    }

    /** Queues a record; false (and counted) when the queue is full or the writer is closed. */
    public boolean submit(SpoolRecord record) {
        long held = record.heldBytes();
        if (stopping || !reserve(held)) {
            dropped.incrementAndGet();
            return false;
        }
        if (!queue.offer(record)) {
            queuedBytes.addAndGet(-held);
            dropped.incrementAndGet();
            return false;
        }
        return true;
    }

    /** Counts {@code held} bytes as waiting unless that passes the bound while others wait. */
    private boolean reserve(long held) {
        long now = queuedBytes.addAndGet(held);
        if (now > maxQueuedBytes && now != held) {
            queuedBytes.addAndGet(-held);
            return false;
        }
        return true;
    }

    /**
     * Queues a record whose writer must hear when it is on disk: the returned future completes once
     * the record is appended and forced (whatever the fsync policy), or at once when the queue is
     * full (the record is then dropped and counted, like any other). Never blocks.
     */
    public CompletableFuture<Void> submitDurable(SpoolRecord record) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (stopping || !queue.offer(new Durable(record, done))) {
            dropped.incrementAndGet();
            done.complete(null);
        } else {
            // Someone waits for this one: no lingering.
            LockSupport.unpark(thread);
        }
        return done;
    }

    /**
     * Completes once every record submitted before it is appended and forced to disk; with
     * {@code roll}, the active segment is closed too, so those records become exportable.
     */
    public CompletableFuture<Void> flush(boolean roll) {
        Barrier barrier = new Barrier(roll, new CompletableFuture<>());
        try {
            // A barrier is rare (tests, shutdown) and may wait for room; records never do.
            if (!queue.offer(barrier, 30, TimeUnit.SECONDS)) {
                barrier.done().completeExceptionally(new IllegalStateException("log writer queue stayed full"));
            }
            LockSupport.unpark(thread);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            barrier.done().completeExceptionally(e);
        }
        return barrier.done();
    }

    public long dropped() {
        return dropped.get();
    }

    public long written() {
        return written.get();
    }

    /** Records that could not be written (a disk error); they are counted, and logged once each. */
    public long failed() {
        return failed.get();
    }

    public int queued() {
        return queue.size();
    }

    /** {@link SpoolRecord#heldBytes()} of the records waiting for the writer. */
    public long queuedBytes() {
        return queuedBytes.get();
    }

    private void run() {
        try {
            // A predecessor may still hold the spool (hand-over): records queue until it lets go.
            spool.awaitOwnership();
        } catch (InterruptedException e) {
            stopping = true;
        } catch (RuntimeException e) {
            LOG.error("log writer: {}; records cannot be written", e.getMessage());
        }
        List<Object> batch = new ArrayList<>(BATCH);
        while (!stopping || !queue.isEmpty()) {
            try {
                Object first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, BATCH - 1);
                    try {
                        write(batch);
                    } finally {
                        release(batch);
                        batch.clear();
                    }
                }
                maybeSync();
                if (spool.rollIfDue()) {
                    onRoll.run();
                }
                if (first != null) {
                    linger();
                }
            } catch (InterruptedException e) {
                stopping = true;
            } catch (RuntimeException e) {
                LOG.error("log writer: {}", e.toString());
            }
        }
    }

    /** Stops counting a batch's records as waiting: they were written, or failed and were counted. */
    private void release(List<Object> batch) {
        long held = 0;
        for (Object item : batch) {
            if (item instanceof SpoolRecord record) {
                held += record.heldBytes();
            }
        }
        queuedBytes.addAndGet(-held);
    }

    /**
     * After a batch, lets the next one gather for {@link #LINGER_NANOS} before taking it: while
     * records keep coming, the writer wakes about once per linger instead of once per record (each
     * wake-up a futex call on the request's event loop and a context switch on a small machine), and
     * writes each batch with one system call. A durable record or a barrier ends the wait at once;
     * an idle writer waits in the queue and a record wakes it as before.
     */
    private void linger() {
        if (!stopping && queue.size() < BATCH) {
            LockSupport.parkNanos(this, LINGER_NANOS);
        }
    }

    private void write(List<Object> batch) {
        List<CompletableFuture<Void>> durable = null;
        for (Object item : batch) {
            if (item instanceof Durable d) {
                durable = durable == null ? new ArrayList<>() : durable;
                durable.add(d.done());
                item = d.record();
            }
            if (item instanceof Barrier b) {
                try {
                    writeAppended();
                    spool.force();
                    lastSync = clock.millis();
                    if (b.roll()) {
                        spool.roll();
                        onRoll.run();
                    }
                    b.done().complete(null);
                } catch (RuntimeException e) {
                    b.done().completeExceptionally(e);
                }
                continue;
            }
            append((SpoolRecord) item);
            if (spool.rollDue()) {
                writeAppended();
                if (spool.rollIfDue()) {
                    onRoll.run();
                }
            }
        }
        writeAppended();
        if (fsync == Fsync.ALWAYS || durable != null) {
            try {
                spool.force();
                lastSync = clock.millis();
            } finally {
                if (durable != null) {
                    // Also on a failed sync: the answer is released; the failure is the writer's to report.
                    durable.forEach(f -> f.complete(null));
                }
            }
        }
    }

    /** Renders a record as the next link of the chain and appends it to the spool's buffer. */
    private void append(SpoolRecord record) {
        Chain.Head head = spool.head();
        long lost = dropped.get() - droppedReported;
        try {
            line.clear();
            record.render(new SpoolRecord.Link(head.seq() + 1, head.hash(), head.logId(), lost), line);
            byte[] bytes = line.array();
            int length = line.length();
            spool.append(bytes, 0, length, new Chain.Head(head.seq() + 1, Chain.hash(digest, bytes, 0, length), record.logId()));
            droppedReported += lost;
            appended++;
        } catch (Spool.LostRecords e) {
            // The buffer had no room for the line and writing what it held failed: this record is lost with them.
            appended = 0;
            lost(e.records() + 1, e);
        } catch (RuntimeException e) {
            failed.incrementAndGet();
            LOG.error("log record {} could not be written: {}", record.logId(), e.toString());
        } finally {
            if (line.capacity() > LINE_KEPT_BYTES) {
                // A rare huge payload does not pin its array for the writer's lifetime.
                line = new Line(LINE_BYTES);
            }
        }
    }

    /**
     * Writes the records appended since the last write. When the write fails, the spool has taken
     * them back: they are counted as failed, and the drops they reported are reported again by the
     * next record written.
     */
    private void writeAppended() {
        if (appended == 0) {
            return;
        }
        try {
            spool.write();
            written.addAndGet(appended);
            droppedReportedWritten = droppedReported;
            FileChannel unforced = spool.unforced(SYNC_AHEAD_BYTES);
            if (unforced != null) {
                syncAhead.request(unforced);
            }
        } catch (Spool.LostRecords e) {
            lost(e.records(), e);
        } finally {
            appended = 0;
        }
    }

    /**
     * Records the spool took back after a failed write: counted as failed, and the drops they
     * reported are reported again by the next record written, so the chain still says where.
     */
    private void lost(int records, Spool.LostRecords e) {
        failed.addAndGet(records);
        droppedReported = droppedReportedWritten;
        LOG.error("{} log records could not be written: {}", records, e.toString());
    }

    private void maybeSync() {
        if (fsync == Fsync.INTERVAL && clock.millis() - lastSync >= fsyncIntervalMillis) {
            spool.force();
            lastSync = clock.millis();
        }
    }

    /** Writes what is queued, syncs and stops; the spool itself is closed by its owner. */
    @Override
    public void close() {
        stopping = true;
        LockSupport.unpark(thread);
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        syncAhead.close();
        if (fsync != Fsync.NEVER) {
            spool.force();
        }
    }

    /** Forces the sync-ahead thread completed (for tests). */
    long forcedAhead() {
        return syncAhead.forced();
    }

    private record Barrier(boolean roll, CompletableFuture<Void> done) {}

    private record Durable(SpoolRecord record, CompletableFuture<Void> done) {}
}
