package dev.fairway.analytics;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Predicate;

/** The last {@code capacity} failed exchanges, newest first when read; older ones are overwritten. */
final class ErrorRing {
    private final AtomicReferenceArray<Observation> slots;
    private final AtomicLong next = new AtomicLong();

    ErrorRing(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
        }
        this.slots = new AtomicReferenceArray<>(capacity);
    }

    void add(Observation o) {
        slots.set((int) (next.getAndIncrement() % slots.length()), o);
    }

    List<Observation> newest(Predicate<Observation> filter, int limit) {
        List<Observation> all = new ArrayList<>(slots.length());
        for (int i = 0; i < slots.length(); i++) {
            Observation o = slots.get(i);
            if (o != null && filter.test(o)) {
                all.add(o);
            }
        }
        all.sort((a, b) -> Long.compare(b.epochMillis(), a.epochMillis()));
        return all.size() > limit ? all.subList(0, limit) : all;
    }
}
