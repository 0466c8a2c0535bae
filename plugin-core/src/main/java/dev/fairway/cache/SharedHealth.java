package dev.fairway.cache;

import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the shared cache tier answers. An outage is logged once when it starts and once when it
 * ends, never per request; every failed operation is counted for metrics. While it is down the
 * cache works from this process's own tiers: clients see misses, never errors.
 */
final class SharedHealth {
    private static final Logger LOG = LoggerFactory.getLogger(SharedHealth.class);

    private final String store;
    private final LongAdder failures = new LongAdder();
    private final AtomicBoolean down = new AtomicBoolean();

    SharedHealth(String store) {
        this.store = store;
    }

    void failed(Throwable t) {
        failures.increment();
        if (down.compareAndSet(false, true)) {
            // The exception's type only: driver messages may quote connection details.
            Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
            LOG.warn("shared cache {} unavailable ({}); caching in this process only until it answers again",
                    store, c.getClass().getSimpleName());
        }
    }

    void succeeded() {
        if (down.get() && down.compareAndSet(true, false)) {
            LOG.info("shared cache {} answers again", store);
        }
    }

    long failures() {
        return failures.sum();
    }

    boolean available() {
        return !down.get();
    }
}
