package dev.fairway.cache.semantic;

import java.util.List;

/**
 * Unit vectors kept per partition (the hash of everything a match must share exactly), each
 * naming the exact-cache entry it answers with. A search never looks outside its partition.
 * Implementations are thread-safe and may block on disk: call them off event loops.
 */
public interface VectorIndex extends AutoCloseable {
    /** Adds (or replaces) the vector for {@code entryKey}, with its question's {@link Wording}, live until {@code expiresAtMillis}. */
    void add(String partition, float[] vector, int[] words, String entryKey, long expiresAtMillis);

    /** Up to {@code k} live entries in {@code partition}, most similar to {@code vector} first. */
    List<Nearest> nearest(String partition, float[] vector, int k, long nowMillis);

    /** Entries held, expired ones not yet purged included. */
    int size();

    @Override
    void close();

    /** An entry, its cosine similarity (-1..1) to the query and its question's {@link Wording}. */
    record Nearest(String entryKey, double similarity, int[] words) {}
}
