package dev.fairway.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Counts the times the process's OS threads went to sleep (Linux {@code voluntary_ctxt_switches}):
 * a thread hand-off costs one, as the thread that waits for the other's result sleeps until woken.
 * Unlike wall-clock time this does not follow the machine's load, so a round trip's hand-offs can
 * be compared between builds on a shared machine. Counts live threads only (a thread that ended
 * in between takes its count with it); virtual threads are counted through their carriers.
 */
public final class ContextSwitches {
    private static final Path TASKS = Path.of("/proc/self/task");

    private ContextSwitches() {}

    /** Whether the counters can be read here (Linux). */
    public static boolean available() {
        return Files.isDirectory(TASKS);
    }

    /** Voluntary switches of every live thread of the process so far. */
    public static long allThreads() {
        try (Stream<Path> tasks = Files.list(TASKS)) {
            return tasks.mapToLong(ContextSwitches::voluntary).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Voluntary switches of the calling thread (a platform thread) so far. */
    public static long currentThread() {
        return voluntary(Path.of("/proc/thread-self"));
    }

    private static long voluntary(Path task) {
        try {
            for (String line : Files.readAllLines(task.resolve("status"))) {
                if (line.startsWith("voluntary_ctxt_switches:")) {
                    return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            return 0;
        } catch (java.nio.file.NoSuchFileException e) {
            // The thread ended between the listing and the read: its count went with it.
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
