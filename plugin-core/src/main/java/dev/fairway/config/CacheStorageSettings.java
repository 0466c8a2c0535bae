package dev.fairway.config;

import java.util.Objects;

/**
 * Where the process keeps cached responses: Ehcache's heap, off-heap and disk tiers, hottest first.
 * One store serves every route. The heap tier is sized in entries only: Ehcache sizes heap bytes by
 * walking objects through sun.misc.Unsafe, which fails on records on current JDKs.
 */
@Doc("Storage of the exact response cache, shared by every route: heap, then off-heap, then persistent disk.")
public record CacheStorageSettings(
        @Doc(value = "Entries kept on the Java heap, the fastest tier; at most this many times the routes' max_entry_bytes of heap.", defaultValue = "1000") Integer heapEntries,
        @Doc(value = "Megabytes of direct memory outside the Java heap (counts against -XX:MaxDirectMemorySize); 0 leaves this tier out.", defaultValue = "64") Integer offHeapMb,
        @Doc(value = "Megabytes on disk, kept across restarts; must exceed off_heap_mb; 0 leaves this tier out and nothing survives a restart.", defaultValue = "512") Integer diskMb,
        @Doc(value = "Directory of the disk tier, relative to the working directory unless absolute. One process at a time may use it.", defaultValue = ".fairway/cache") String directory,
        @Doc(value = "Threads that read and write the cache off the request threads (disk reads block).", defaultValue = "2") Integer ioThreads,
        @Doc("Redis as a shared tier behind these, so several gateway processes share one cache (off by default).") SharedCacheSettings shared,
        @Doc(value = "Entries kept in the semantic cache's vector index (kept in directory/semantic), all routes together; the soonest to expire leave first.", defaultValue = "100000") Integer semanticEntries,
        @Doc("The model behind the semantic cache: the in-process all-MiniLM-L6-v2 unless a provider's embeddings endpoint is named.") SemanticEmbedderSettings semanticEmbedder)
        implements Validatable {

    public CacheStorageSettings {
        heapEntries = Objects.requireNonNullElse(heapEntries, 1000);
        offHeapMb = Objects.requireNonNullElse(offHeapMb, 64);
        diskMb = Objects.requireNonNullElse(diskMb, 512);
        directory = Objects.requireNonNullElse(directory, ".fairway/cache");
        ioThreads = Objects.requireNonNullElse(ioThreads, 2);
        shared = Objects.requireNonNullElseGet(shared, SharedCacheSettings::defaults);
        semanticEntries = Objects.requireNonNullElse(semanticEntries, 100_000);
        semanticEmbedder = Objects.requireNonNullElseGet(semanticEmbedder, SemanticEmbedderSettings::defaults);
    }

    public static CacheStorageSettings defaults() {
        return new CacheStorageSettings(null, null, null, null, null, null, null, null);
    }

    @Override
    public void validate(Problems problems) {
        problems.require(heapEntries > 0, "heap_entries", "%s (expected: > 0)", heapEntries);
        problems.require(offHeapMb >= 0, "off_heap_mb", "%s (expected: >= 0)", offHeapMb);
        problems.require(diskMb >= 0, "disk_mb", "%s (expected: >= 0)", diskMb);
        problems.require(diskMb == 0 || diskMb > offHeapMb, "disk_mb", "%s (expected: 0 or > off_heap_mb %s)", diskMb, offHeapMb);
        problems.require(!directory.isBlank(), "directory", "must not be blank");
        problems.require(ioThreads >= 1 && ioThreads <= 16, "io_threads", "%s (expected: 1..16)", ioThreads);
        problems.require(semanticEntries >= 1 && semanticEntries <= 10_000_000, "semantic_entries", "%s (expected: 1..10000000)", semanticEntries);
        shared.validate(problems.at("shared"));
        semanticEmbedder.validate(problems.at("semantic_embedder"));
    }
}
