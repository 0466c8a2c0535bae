package dev.fairway.logstore;

import dev.fairway.log.spool.Segments;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the log store's feeder reads the spool: a segment and an offset in it. It reads the complete
 * lines written since its last read, moves to the next segment once the writer has closed this one,
 * and measures what is left to read (the feeder's backlog) with as few system calls as it can: the
 * feeder takes a step of a few records each time a CPU is idle, and per step these reads and sizes
 * were a good part of its cost (docs/benchmarks.md, "What changed (issue 22, wave 16)"). Used by the
 * feeder's thread alone.
 */
final class SpoolCursor {
    /** The longest line read (an array's limit); a longer one is never complete to the feeder. */
    private static final int LONGEST_LINE = Integer.MAX_VALUE - 8;
    /** Reads up to this size use {@link #smallBuffer} and let the kept large one go. */
    private static final int SMALL_READ = 64 << 10;
    private static final byte[] NO_BYTES = new byte[0];

    private Path segment;
    private long offset;
    /** The size of {@link #sizeOf} when last read: the backlog counts it without asking the file system again. */
    private long size;
    private Path sizeOf;
    /**
     * Sizes of the segments after the one being read that a newer one follows: the writer has closed
     * them, so each is measured once. A feeder behind by 256 MiB has 32 of them, and measuring each
     * at every step of three or four records was more system calls than the step's own.
     */
    private final Map<Path, Long> closedSizes = new HashMap<>();
    private final ByteArrayLines lines = new ByteArrayLines();
    /**
     * The read buffer, kept from one read to the next while reads are large (a backlog): a fresh
     * array of up to {@link StoreFeeder#READ_MAX} per read, zeroed and page-faulted in each time, was
     * a tenth of the feeder's CPU per streamed record. Dropped as soon as a read is small again, so a
     * feeder that keeps up holds no large buffer.
     */
    private byte[] readBuffer = NO_BYTES;
    /**
     * The buffer of reads up to {@link #SMALL_READ} (every step of a feeder that waits for idle CPU),
     * kept for good once made: a fresh one per step, zeroed each time, was 3% of the feeder's CPU
     * under the floor's stream load.
     */
    private byte[] smallBuffer;

    /** Forgets where it was: the next read starts from the stored position again ({@link #placeIfUnplaced}). */
    void unplace() {
        segment = null;
    }

    /** Unless it is placed already, places it at the start of the newest segment that begins at or before the record after {@code position}. */
    void placeIfUnplaced(List<Path> segments, long position) {
        if (segment != null) {
            return;
        }
        Path chosen = segments.get(0);
        for (Path p : segments) {
            if (Segments.firstSeq(p) <= position + 1) {
                chosen = p;
            }
        }
        segment = chosen;
        offset = 0;
    }

    /**
     * Moves to the segment after this one when a newer one exists (so the writer has closed this one,
     * and it was read to its end); false when this is the newest, or was deleted.
     */
    boolean next(List<Path> segments) {
        int at = segments.lastIndexOf(segment);
        if (at < 0 || at == segments.size() - 1) {
            return false;
        }
        segment = segments.get(at + 1);
        offset = 0;
        return true;
    }

    /**
     * Spool bytes not read yet: the rest of the current segment and the segments after it.
     *
     * @param remeasure whether the current segment may have grown since the last read (a wait
     *     between): its size is then asked for again
     */
    long backlog(List<Path> segments, boolean remeasure) throws IOException {
        if (remeasure) {
            sizeOf = null;
        }
        long bytes = 0;
        // From the end: the segment being read is the newest or near it, and a spool that is never
        // exported keeps thousands.
        int at = segments.lastIndexOf(segment);
        List<Path> unread = segments.subList(Math.max(at, 0), segments.size());
        closedSizes.keySet().retainAll(unread);
        for (int i = 0; i < unread.size(); i++) {
            Path p = unread.get(i);
            try {
                // The segment being read was measured by the read just before: a stat per step of a few
                // records was 4% of the feeder's CPU. Only the newest segment listed may still grow.
                long length;
                if (p.equals(sizeOf)) {
                    length = size;
                } else if (i < unread.size() - 1) {
                    Long known = closedSizes.get(p);
                    length = known != null ? known : Files.size(p);
                    closedSizes.put(p, length);
                } else {
                    length = Files.size(p);
                }
                bytes += length - (i == 0 && at >= 0 ? offset : 0);
            } catch (NoSuchFileException e) {
                // Exported and deleted meanwhile (it was read whole): nothing of it is unread.
            }
        }
        return bytes;
    }

    /**
     * Complete lines appended to the current segment since the last read: at most {@code readMax}
     * bytes of them, or the one line that is longer (a record with large payloads), read whole.
     */
    List<byte[]> read(int readMax) throws IOException {
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ)) {
            size = ch.size();
            sizeOf = segment;
            long available = size - offset;
            if (available <= 0) {
                return List.of();
            }
            int want = (int) Math.min(available, readMax);
            while (true) {
                byte[] bytes = buffer(want);
                // Bytes past what this read filled are an earlier read's: the split reads only up to the position.
                ByteBuffer buf = ByteBuffer.wrap(bytes, 0, want);
                ch.read(buf, offset);
                List<byte[]> out = lines.split(bytes, buf.position());
                if (lines.consumed() > 0 || want >= available || want >= LONGEST_LINE) {
                    offset += lines.consumed();
                    return out;
                }
                // No line ends within the read: the next line is longer than readMax, read it whole.
                want = (int) Math.min(Math.min(available, LONGEST_LINE), 2L * want);
            }
        } catch (NoSuchFileException e) {
            // Exported and deleted after we read it whole (the exporter waits for our position).
            segment = null;
            return List.of();
        }
    }

    /** A buffer for a read of {@code want} bytes: the kept one while reads are large, never one past READ_MAX. */
    private byte[] buffer(int want) {
        if (want > StoreFeeder.READ_MAX) {
            return new byte[want];
        }
        if (want <= SMALL_READ) {
            readBuffer = NO_BYTES;
            if (smallBuffer == null) {
                smallBuffer = new byte[SMALL_READ];
            }
            return smallBuffer;
        }
        if (want > readBuffer.length) {
            readBuffer = new byte[want];
        }
        return readBuffer;
    }
}
