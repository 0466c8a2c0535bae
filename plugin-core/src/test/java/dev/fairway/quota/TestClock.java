package dev.fairway.quota;

import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** A wall clock that moves only when a test says so. */
public final class TestClock implements TimeMeter {
    private final AtomicLong nanos = new AtomicLong();

    public TestClock(Instant start) {
        set(start);
    }

    public void set(Instant t) {
        nanos.set(t.getEpochSecond() * 1_000_000_000L + t.getNano());
    }

    public void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Override
    public long currentTimeNanos() {
        return nanos.get();
    }

    @Override
    public boolean isWallClockBased() {
        return true;
    }
}
