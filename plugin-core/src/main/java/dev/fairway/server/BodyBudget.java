package dev.fairway.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The heap one listener may hold for request bodies at once, over all connections. Bytes are
 * reserved as buffers actually grow (never on a client's announced {@code content-length}), so a
 * client that announces much and sends little holds nothing; a body that would pass the budget is
 * refused with 503 instead of the process running out of memory.
 */
final class BodyBudget {
    private final long limit;
    private final AtomicLong reserved = new AtomicLong();

    BodyBudget(long limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: >= 1)");
        }
        this.limit = limit;
    }

    /** Reserves {@code n} bytes when they fit; false (nothing reserved) when they would pass the limit. */
    boolean tryReserve(long n) {
        while (true) {
            long now = reserved.get();
            if (now + n > limit) {
                return false;
            }
            if (reserved.compareAndSet(now, now + n)) {
                return true;
            }
        }
    }

    void release(long n) {
        reserved.addAndGet(-n);
    }

    long reserved() {
        return reserved.get();
    }

    long limit() {
        return limit;
    }
}
