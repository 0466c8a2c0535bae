package dev.fairway.config;

import java.util.Objects;

/**
 * Where the process keeps cached responses: Ehcache's heap, off-heap and disk tiers, hottest first.
 * One store serves every route.
 */
@Doc("Storage of the exact response cache, shared by every route: heap, then off-heap, then persistent disk.")
public record CacheStorageSettings(
        @Doc(value = "Entries kept on the Java heap (the fastest tier). Leave out when heap_mb is set.", defaultValue = "1000") Integer heapEntries,
        @Doc("Megabytes of Java heap for entries, instead of heap_entries; must be below off_heap_mb when that tier is on.") Integer heapMb,
        @Doc(value = "Megabytes of direct memory outside the Java heap (counts against -XX:MaxDirectMemorySize); 0 leaves this tier out.", defaultValue = "64") Integer offHeapMb,
        @Doc(value = "Megabytes on disk, kept across restarts; must exceed off_heap_mb; 0 leaves this tier out and nothing survives a restart.", defaultValue = "512") Integer diskMb,
        @Doc(value = "Directory of the disk tier, relative to the working directory unless absolute. One process at a time may use it.", defaultValue = ".fairway/cache") String directory,
        @Doc(value = "Threads that read and write the cache off the request threads (disk reads block).", defaultValue = "2") Integer ioThreads)
        implements Validatable {

    public CacheStorageSettings {
        heapEntries = heapMb == null ? Objects.requireNonNullElse(heapEntries, 1000) : heapEntries;
        offHeapMb = Objects.requireNonNullElse(offHeapMb, 64);
        diskMb = Objects.requireNonNullElse(diskMb, 512);
        directory = Objects.requireNonNullElse(directory, ".fairway/cache");
        ioThreads = Objects.requireNonNullElse(ioThreads, 2);
    }

    public static CacheStorageSettings defaults() {
        return new CacheStorageSettings(null, null, null, null, null, null);
    }

    @Override
    public void validate(Problems problems) {
        if (heapMb != null) {
            problems.require(heapEntries == null, "heap_entries", "set both with heap_mb (expected: one of heap_entries, heap_mb)");
            problems.require(heapMb > 0, "heap_mb", "%s (expected: > 0)", heapMb);
            problems.require(offHeapMb == 0 || heapMb < offHeapMb, "heap_mb", "%s (expected: < off_heap_mb %s)", heapMb, offHeapMb);
        } else {
            problems.require(heapEntries > 0, "heap_entries", "%s (expected: > 0)", heapEntries);
        }
        problems.require(offHeapMb >= 0, "off_heap_mb", "%s (expected: >= 0)", offHeapMb);
        problems.require(diskMb >= 0, "disk_mb", "%s (expected: >= 0)", diskMb);
        problems.require(diskMb == 0 || diskMb > offHeapMb, "disk_mb", "%s (expected: 0 or > off_heap_mb %s)", diskMb, offHeapMb);
        problems.require(diskMb == 0 || (heapMb == null || diskMb > heapMb), "disk_mb", "%s (expected: 0 or > heap_mb %s)", diskMb, heapMb);
        problems.require(!directory.isBlank(), "directory", "must not be blank");
        problems.require(ioThreads >= 1 && ioThreads <= 16, "io_threads", "%s (expected: 1..16)", ioThreads);
    }
}
