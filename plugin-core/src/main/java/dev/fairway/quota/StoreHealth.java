package dev.fairway.quota;

import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the quota store answers. An outage is logged once when it starts and once when it ends,
 * never per request; every failed operation is counted for metrics.
 */
final class StoreHealth {
    private static final Logger LOG = LoggerFactory.getLogger(QuotaStage.class);

    private final String store;
    private final LongAdder failures = new LongAdder();
    private final AtomicBoolean down = new AtomicBoolean();

    StoreHealth(String store) {
        this.store = store;
    }

    void failed(Throwable t) {
        failures.increment();
        if (down.compareAndSet(false, true)) {
            // The exception's type only: driver messages may quote connection details.
            LOG.warn("quota store {} unavailable ({}); each rule applies its on_store_failure until it answers again",
                    store, unwrap(t).getClass().getSimpleName());
        }
    }

    void succeeded() {
        if (down.get() && down.compareAndSet(true, false)) {
            LOG.info("quota store {} answers again", store);
        }
    }

    long failures() {
        return failures.sum();
    }

    boolean available() {
        return !down.get();
    }

    static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }
}
