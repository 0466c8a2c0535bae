package dev.fairway.log.spool;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forces the active segment's written bytes to disk on a thread of its own, ahead of the writer's
 * own syncs: the writer then finds little left to write back when it closes a segment (or syncs at
 * its interval), instead of stalling on a whole segment's dirty pages while records wait for it in
 * the heap. Under the floor's c=32 streams a segment of 8 MiB filled every 0.2 s and its close
 * stalled the writer 4 to 80 ms; the records that queued meanwhile outlived young collections and
 * were promoted, a few MiB per stall (docs/benchmarks.md, "What changed (issue 22, wave 14)").
 *
 * <p>It adds durability, never removes it: the writer still forces where its policy says. A request
 * made while a force runs replaces any request still waiting, so at most one force runs and one
 * waits. A segment closed meanwhile is skipped: the close forced it.
 */
final class SyncAhead implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SyncAhead.class);
    private final AtomicReference<FileChannel> next = new AtomicReference<>();
    private final AtomicLong forced = new AtomicLong();
    private final Thread thread;
    private volatile boolean stopping;
    private boolean failing;

    SyncAhead(String name) {
        thread = Thread.ofPlatform().name(requireNonNull(name, "name")).daemon(true).unstarted(this::run);
        thread.start();
    }

    /** Asks for {@code channel} to be forced; returns at once. */
    void request(FileChannel channel) {
        next.set(requireNonNull(channel, "channel"));
        LockSupport.unpark(thread);
    }

    /** Forces completed so far. */
    long forced() {
        return forced.get();
    }

    private void run() {
        while (!stopping) {
            FileChannel channel = next.getAndSet(null);
            if (channel == null) {
                LockSupport.park(this);
                continue;
            }
            try {
                channel.force(false);
                forced.incrementAndGet();
                failing = false;
            } catch (ClosedChannelException e) {
                // Closed by a roll, which forced it first.
            } catch (IOException e) {
                // The writer's own sync fails the same way and reports it; say it here once per episode.
                if (!failing) {
                    LOG.warn("log spool: syncing ahead failed: {}", e.toString());
                }
                failing = true;
            }
        }
    }

    @Override
    public void close() {
        stopping = true;
        LockSupport.unpark(thread);
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
