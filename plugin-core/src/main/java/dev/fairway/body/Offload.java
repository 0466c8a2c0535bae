package dev.fairway.body;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The one rule for work on a large request body: deciding a request whose body is over
 * {@link #BYTES} (parsing it, translating it for a fallback, canonicalising it for a cache key,
 * scanning it for guardrails) runs on a virtual thread of its own, not on the calling thread, which
 * in the standalone server is an event loop that other connections wait on. Smaller bodies are
 * decided where they arrive: a thread hop would cost more than the work.
 */
public final class Offload {
    /**
     * 128 KiB: below it, parsing and canonicalising a body take tens of microseconds, less than a
     * hand-off to another thread; a chat with long documents pasted in is well above it.
     */
    public static final int BYTES = 128 * 1024;

    /** A fresh virtual thread per large body: nothing pooled to size or close, and blocking in a stage cannot starve it. */
    private static final Executor WORKERS = task -> Thread.ofVirtual().name("fairway-large-body").start(task);

    private Offload() {}

    /** {@code work} now when {@code bodyBytes} is at most {@link #BYTES}, else on a worker thread. */
    public static <T> CompletableFuture<T> bySize(int bodyBytes, Supplier<CompletableFuture<T>> work) {
        if (bodyBytes <= BYTES) {
            return work.get();
        }
        return CompletableFuture.supplyAsync(work, WORKERS).thenCompose(f -> f);
    }
}
