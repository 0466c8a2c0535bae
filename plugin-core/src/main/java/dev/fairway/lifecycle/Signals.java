package dev.fairway.lifecycle;

import static java.util.Objects.requireNonNull;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * POSIX signals a Fairway process answers: TERM and INT stop it gracefully (exit 0 after the
 * drain), HUP reloads its configuration. The JDK's shutdown hooks alone cannot do either: they
 * exit 143 on TERM and never see HUP.
 *
 * <p>{@code sun.misc.Signal} is the JDK's supported-but-unexported way to handle signals
 * (module {@code jdk.unsupported}); where a platform lacks a signal, the handler is not installed
 * and the caller is told so.
 */
public final class Signals {
    private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

    private Signals() {}

    /**
     * Runs {@code action} on its own thread each time the process receives {@code name}
     * ({@code "TERM"}, {@code "INT"}, {@code "HUP"}); the JVM's signal thread is never blocked.
     *
     * @return false when this platform has no such signal or it is reserved by the JVM
     */
    public static boolean on(String name, Runnable action) {
        requireNonNull(name, "name");
        requireNonNull(action, "action");
        try {
            Signal.handle(new Signal(name), sig -> Thread.ofPlatform().name("fairway-sig" + name.toLowerCase()).start(action));
            return true;
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            LOG.warn("cannot handle SIG{} here: {}", name, e.getMessage());
            return false;
        }
    }
}
