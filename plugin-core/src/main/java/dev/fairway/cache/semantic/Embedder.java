package dev.fairway.cache.semantic;

/**
 * Turns a text into a unit-length vector whose dot product with another is their cosine
 * similarity. Implementations may block (a model runs on the CPU): call them off event loops.
 */
public interface Embedder {
    /** The vector of {@code text}, of {@link #dimension()} floats, of length 1. */
    float[] embed(String text);

    int dimension();
}
