package dev.fairway.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The throw-away directory of one {@code serve --demo}: its log spool and cache live here, so a
 * second demo (another terminal, the same working directory) starts beside the first instead of
 * meeting its locked spool. Removed when the demo stops.
 */
final class DemoState {
    private DemoState() {}

    static Path create() {
        try {
            return Files.createTempDirectory("fairway-demo-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the demo's temporary directory", e);
        }
    }

    static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("fairway: could not remove the demo's state in " + dir + ": " + e.getMessage());
        }
    }
}
