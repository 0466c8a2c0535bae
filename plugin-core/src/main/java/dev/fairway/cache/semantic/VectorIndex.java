package dev.fairway.cache.semantic;

/**
 * Unit vectors kept per partition (the hash of everything a match must share exactly), each
 * naming the exact-cache entry it answers with. A search never looks outside its partition.
 * Implementations are thread-safe and may block on disk: call them off event loops.
 */
public interface VectorIndex extends AutoCloseable {
    /** Adds (or replaces) the vector for {@code entryKey}, live until {@code expiresAtMillis}. */
    void add(String partition, float[] vector, String entryKey, long expiresAtMillis);

    /** The live entry in {@code partition} most similar to {@code vector}, or null when there is none. */
    Nearest nearest(String partition, float[] vector, long nowMillis);

    /** Entries held, expired ones not yet purged included. */
    int size();

    @Override
    void close();

    /** The closest entry and its cosine similarity (-1..1). */
    record Nearest(String entryKey, double similarity) {}
}
