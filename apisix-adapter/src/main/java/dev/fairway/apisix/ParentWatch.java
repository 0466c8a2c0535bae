package dev.fairway.apisix;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices that APISIX went away without stopping us (a SIGKILL, a crash): APISIX spawns the runner
 * from its privileged agent with a pipe on stdin, so the parent process exiting and stdin reaching
 * end-of-file both mean nobody will connect again. Stdin is only watched when it is a pipe: a runner
 * started by hand with stdin on /dev/null must not stop at once.
 */
final class ParentWatch {
    private static final Logger LOG = LoggerFactory.getLogger(ParentWatch.class);

    private ParentWatch() {}

    static void start(Runnable onGone) {
        requireNonNull(onGone, "onGone");
        Optional<ProcessHandle> parent = ProcessHandle.current().parent();
        parent.ifPresent(p -> p.onExit().thenRun(() -> {
            LOG.info("parent process {} exited; stopping", p.pid());
            onGone.run();
        }));
        if (stdinIsPipe()) {
            watchStdin(System.in, onGone);
        }
    }

    /** Runs {@code onGone} once {@code in} reaches end-of-file; what it carries is ignored. */
    static Thread watchStdin(InputStream in, Runnable onGone) {
        return Thread.ofPlatform().daemon().name("apisix-runner-stdin").start(() -> {
            byte[] sink = new byte[256];
            try {
                while (in.read(sink) >= 0) {
                    // APISIX never writes to the runner; anything that arrives is dropped.
                }
            } catch (IOException e) {
                LOG.debug("stdin: {}", e.toString());
            }
            LOG.info("stdin closed; stopping");
            onGone.run();
        });
    }

    private static boolean stdinIsPipe() {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/0")).toString().startsWith("pipe:");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
