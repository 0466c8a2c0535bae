package dev.fairway.server;

import static java.util.Objects.requireNonNull;

import java.net.BindException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds a listener whose port the process being replaced may still hold while it drains (an APISIX
 * reload starts the new runner beside the old one): the first attempt runs now; if the port is in
 * use, attempts repeat every 25 ms on a virtual thread until one binds or the wait ends. Any other
 * failure, or the wait running out, fails the future.
 */
public final class LateBind {
    private static final Logger LOG = LoggerFactory.getLogger(LateBind.class);
    private static final long RETRY_MILLIS = 25;

    private LateBind() {}

    public static <T> CompletableFuture<T> bind(String what, Supplier<CompletableFuture<T>> attempt, Duration wait) {
        requireNonNull(what, "what");
        requireNonNull(attempt, "attempt");
        requireNonNull(wait, "wait");
        CompletableFuture<T> result = new CompletableFuture<>();
        // The first attempt is waited for, so that a free port is bound when the caller goes on.
        try {
            result.complete(attempt.get().join());
        } catch (CompletionException e) {
            if (!inUse(e) || wait.isZero()) {
                result.completeExceptionally(e.getCause());
            } else {
                LOG.info("{}: port in use (the process being replaced still drains); retrying for up to {} s", what, wait.toSeconds());
                Thread.ofVirtual().name("late-bind").start(() -> retry(what, attempt, System.nanoTime() + wait.toNanos(), result));
            }
        }
        return result;
    }

    private static <T> void retry(String what, Supplier<CompletableFuture<T>> attempt, long deadline, CompletableFuture<T> result) {
        while (!result.isDone()) {
            try {
                Thread.sleep(RETRY_MILLIS);
                result.complete(attempt.get().join());
                LOG.info("{}: bound", what);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                result.completeExceptionally(e);
            } catch (CompletionException e) {
                if (!inUse(e) || System.nanoTime() - deadline >= 0) {
                    LOG.error("{}: cannot bind: {}", what, e.getCause().toString());
                    result.completeExceptionally(e.getCause());
                }
            }
        }
    }

    private static boolean inUse(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof BindException || (c.getMessage() != null && c.getMessage().contains("Address already in use"))) {
                return true;
            }
        }
        return false;
    }
}
