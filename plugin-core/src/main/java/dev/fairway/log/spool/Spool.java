package dev.fairway.log.spool;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The append-only local spool: one active segment receiving records, older closed segments
 * waiting for export. Opening it recovers the chain head from disk (cutting a line torn by a crash)
 * and starts a fresh active segment, so everything written before a restart is closed and exportable.
 * Only the writer thread appends; the exporter only reads and deletes closed segments.
 *
 * <p>One process owns a spool at a time (a file lock). A process that starts while its predecessor
 * still drains (an APISIX reload starts the new runner beside the old one) may be given a lock
 * wait: it then opens unowned and its writer takes the spool over in {@link #awaitOwnership} once
 * the predecessor has flushed and exited, recovering the chain head from what that one wrote; the
 * records of the meantime wait in the writer's queue. One chain, one writer at a time.
 */
public final class Spool implements AutoCloseable {
    /** The pending buffer's usual size; a longer line grows it for one write, after which it shrinks back. */
    private static final int PENDING_BYTES = 64 * 1024;
    private final Path dir;
    private final long maxBytes;
    private final long maxAgeMillis;
    private final Clock clock;
    private final FileChannel lockChannel;
    private final long lockWaitMillis;
    private volatile FileLock lock;
    private Chain.Head head;
    private FileChannel active;
    private volatile Path activePath;
    private long activeBytes;
    private long activeRecords;
    private long firstRecordAt;
    /**
     * Appended lines not written yet, written together by {@link #write}: one system call for a
     * batch of records instead of one each. A direct buffer, which the channel writes as it is (a
     * heap buffer would be copied into one first).
     */
    private ByteBuffer pending = ByteBuffer.allocateDirect(PENDING_BYTES);
    private int pendingRecords;
    /** The segment as written to the file: what a failed {@link #write} goes back to. */
    private Chain.Head writtenHead;
    private long writtenBytes;
    private long writtenRecords;
    /** Bytes written to the active segment since it was last forced or handed to {@link #unforced}. */
    private long unforcedBytes;

    private Spool(Path dir, long maxBytes, long maxAgeMillis, Clock clock, long lockWaitMillis) throws IOException {
        this.dir = dir;
        this.lockWaitMillis = lockWaitMillis;
        this.maxBytes = maxBytes;
        this.maxAgeMillis = maxAgeMillis;
        this.clock = clock;
        Files.createDirectories(dir);
        lockChannel = FileChannel.open(dir.resolve("spool.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        }
        if (l == null && lockWaitMillis <= 0) {
            lockChannel.close();
            throw inUse(dir);
        }
        lock = l;
    }

    private static IllegalStateException inUse(Path dir) {
        return new IllegalStateException("logs.spool_dir: " + dir + " is in use by another Fairway instance"
                + " (each instance needs its own spool: its records form one hash chain)");
    }

    /**
     * Opens (or creates) the spool in {@code dir}.
     *
     * @param maxBytes a segment is closed once it holds this many bytes
     * @param maxAgeMillis ... or once its first record is this old
     */
    public static Spool open(Path dir, long maxBytes, long maxAgeMillis, Clock clock) throws IOException {
        return open(dir, maxBytes, maxAgeMillis, clock, Duration.ZERO);
    }

    /**
     * As {@link #open(Path, long, long, Clock)}, but when another process holds the spool it opens
     * unowned instead of failing: {@link #awaitOwnership} then waits up to {@code lockWait} for it.
     */
    public static Spool open(Path dir, long maxBytes, long maxAgeMillis, Clock clock, Duration lockWait) throws IOException {
        Spool spool = new Spool(requireNonNull(dir, "dir"), maxBytes, maxAgeMillis, requireNonNull(clock, "clock"),
                requireNonNull(lockWait, "lockWait").toMillis());
        if (spool.lock == null) {
            return spool;
        }
        try {
            spool.recover();
        } catch (IOException | RuntimeException e) {
            spool.close();
            throw e;
        }
        return spool;
    }

    public Path dir() {
        return dir;
    }

    /** Whether this process owns the spool (else a predecessor still does). */
    public boolean owned() {
        return lock != null;
    }

    /**
     * Takes the spool over from the process holding it (the writer thread calls this before its first
     * record): polls the lock until the holder exits or the lock wait ends, then recovers the chain
     * head from disk. Returns at once when already owned.
     *
     * @throws IllegalStateException when the wait ends with the spool still held
     */
    public void awaitOwnership() throws InterruptedException {
        if (lock != null) {
            return;
        }
        long deadline = System.nanoTime() + lockWaitMillis * 1_000_000L;
        while (true) {
            FileLock l;
            try {
                l = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            } catch (IOException e) {
                throw new UncheckedIOException("logs.spool_dir: cannot lock " + dir, e);
            }
            if (l != null) {
                synchronized (this) {
                    try {
                        recover();
                    } catch (IOException e) {
                        try {
                            l.release();
                        } catch (IOException again) {
                            e.addSuppressed(again);
                        }
                        throw new UncheckedIOException("logs.spool_dir: cannot take over " + dir, e);
                    }
                    lock = l;
                }
                return;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw inUse(dir);
            }
            Thread.sleep(50);
        }
    }

    public synchronized Chain.Head head() {
        return head;
    }

    private void recover() throws IOException {
        List<Path> segments = Segments.list(dir);
        head = Chain.Head.START;
        for (int i = segments.size() - 1; i >= 0; i--) {
            Path newest = segments.get(i);
            Segments.Content content = Segments.read(newest);
            if (content.completeLength() < Files.size(newest)) {
                // A crash tore the last line: it was never acknowledged as written, so it goes.
                try (FileChannel ch = FileChannel.open(newest, StandardOpenOption.WRITE)) {
                    ch.truncate(content.completeLength());
                    ch.force(true);
                }
            }
            if (content.header() == null) {
                continue;
            }
            if (!content.records().isEmpty()) {
                byte[] last = content.records().get(content.records().size() - 1);
                JsonNode node = Segments.MAPPER.readTree(last);
                head = new Chain.Head(node.path("seq").asLong(), Chain.hash(last), node.path("log_id").asText(null));
                break;
            }
            JsonNode seg = content.header().path("segment");
            head = new Chain.Head(seg.path("first_seq").asLong() - 1, seg.path("prev_hash").asText(),
                    seg.path("prev_id").isNull() ? null : seg.path("prev_id").asText());
            if (i == segments.size() - 1) {
                // An empty newest segment already says where the chain stands: keep writing into it.
                openActive(newest, false);
                return;
            }
            break;
        }
        startSegment();
    }

    private void startSegment() throws IOException {
        Path path = dir.resolve(Segments.name(head.seq() + 1));
        // The header appears whole or not at all, so an empty segment never loses the chain head.
        Path tmp = dir.resolve(path.getFileName() + ".tmp");
        Files.write(tmp, Segments.header(head));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        openActive(path, true);
    }

    private void openActive(Path path, boolean fresh) throws IOException {
        active = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        activePath = path;
        activeBytes = active.size();
        activeRecords = 0;
        unforcedBytes = 0;
        emptyPending();
        written();
        if (fresh) {
            forceDir();
        }
    }

    /**
     * Appends one record line and moves the head; the line must be the render of {@code next}. The
     * line is buffered: it reaches the file with the next {@link #write} (or {@link #force},
     * {@link #roll}, {@link #close}), or at once when the buffer has no room for it.
     */
    public void append(byte[] line, Chain.Head next) {
        append(line, 0, line.length, next);
    }

    /** As {@link #append(byte[], Chain.Head)} with the line {@code line[offset, offset + length)}. */
    public synchronized void append(byte[] line, int offset, int lineLength, Chain.Head next) {
        Objects.checkFromIndexSize(offset, lineLength, line.length);
        if (active == null) {
            throw new IllegalStateException("logs.spool_dir: " + dir + " is still held by the previous instance");
        }
        int length = lineLength + 1;
        if (pending.remaining() < length) {
            write();
            if (pending.capacity() < length) {
                pending = ByteBuffer.allocateDirect(length);
            }
        }
        pending.put(line, offset, lineLength).put((byte) '\n');
        pendingRecords++;
        if (activeRecords++ == 0) {
            firstRecordAt = clock.millis();
        }
        activeBytes += length;
        head = next;
    }

    /**
     * Writes the appended lines not written yet. When the write fails they are taken back whole:
     * the file is cut to what it held before and the chain head returns to the last record written,
     * so the next record chains to what is on disk, and {@link LostRecords} says how many were lost.
     */
    public synchronized void write() {
        if (pendingRecords == 0) {
            return;
        }
        ByteBuffer buf = pending.flip();
        int length = buf.remaining();
        try {
            while (buf.hasRemaining()) {
                active.write(buf);
            }
        } catch (IOException e) {
            int lost = pendingRecords;
            try {
                active.truncate(writtenBytes);
            } catch (IOException again) {
                e.addSuppressed(again);
            }
            activeBytes = writtenBytes;
            activeRecords = writtenRecords;
            head = writtenHead;
            emptyPending();
            throw new LostRecords(lost, "cannot append to the log spool " + activePath, e);
        }
        unforcedBytes += length;
        emptyPending();
        written();
    }

    private void emptyPending() {
        pendingRecords = 0;
        pending = pending.capacity() > PENDING_BYTES ? ByteBuffer.allocateDirect(PENDING_BYTES) : pending.clear();
    }

    /** The segment as it stands is what the file holds. */
    private void written() {
        writtenHead = head;
        writtenBytes = activeBytes;
        writtenRecords = activeRecords;
    }

    /** Records appended but lost with a failed {@link #write}: the file and the chain head no longer hold them. */
    public static final class LostRecords extends UncheckedIOException {
        private final int records;

        LostRecords(int records, String message, IOException cause) {
            super(message, cause);
            this.records = records;
        }

        /** How many appended records the failed write lost. */
        public int records() {
            return records;
        }
    }

    /** Writes the appended records and forces them to disk. */
    public synchronized void force() {
        if (active == null) {
            return;
        }
        write();
        try {
            active.force(false);
            unforcedBytes = 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot sync the log spool " + activePath, e);
        }
    }

    /**
     * The active segment's channel when at least {@code minBytes} were written to it since it was last
     * forced or returned here, else null: for {@link SyncAhead} to force outside this lock, while
     * the writer goes on appending.
     */
    synchronized FileChannel unforced(long minBytes) {
        if (active == null || unforcedBytes < minBytes) {
            return null;
        }
        unforcedBytes = 0;
        return active;
    }

    /** Whether the active segment is full or old enough to be closed. */
    public synchronized boolean rollDue() {
        return active != null && activeRecords > 0 && (activeBytes >= maxBytes || clock.millis() - firstRecordAt >= maxAgeMillis);
    }

    /** Closes the active segment when it is full or old enough; returns whether it did. */
    public synchronized boolean rollIfDue() {
        if (rollDue()) {
            roll();
            return true;
        }
        return false;
    }

    /** Closes the active segment now (if it holds records), making it exportable. */
    public synchronized void roll() {
        if (active == null || activeRecords == 0) {
            return;
        }
        write();
        try {
            active.force(false);
            active.close();
            startSegment();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a new log spool segment in " + dir, e);
        }
    }

    /** Closed segments, oldest first: those before the active one (names sort in chain order). */
    public synchronized List<Path> closedSegments() throws IOException {
        if (activePath == null) {
            // Not ours yet: what is there belongs to the previous instance, which exports it.
            return List.of();
        }
        String current = activePath.getFileName().toString();
        return Segments.list(dir).stream().filter(p -> p.getFileName().toString().compareTo(current) < 0).toList();
    }

    private void forceDir() {
        // Make the new file's directory entry durable too (not supported everywhere; best effort).
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Some file systems do not allow opening directories; the data itself is still forced.
        }
    }

    @Override
    public synchronized void close() {
        try {
            if (active != null && active.isOpen()) {
                try {
                    write();
                } finally {
                    // What was written is kept even when the last lines were lost.
                    active.force(false);
                    active.close();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the log spool " + activePath, e);
        } finally {
            try {
                if (lock != null) {
                    lock.release();
                }
                lockChannel.close();
            } catch (IOException e) {
                // Releasing the lock of a closed channel: nothing left to do.
            }
        }
    }
}
