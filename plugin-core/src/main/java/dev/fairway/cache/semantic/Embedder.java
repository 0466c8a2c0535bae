package dev.fairway.cache.semantic;

/**
 * Turns a text into a unit-length vector whose dot product with another is their cosine
 * similarity. Implementations may block (a model runs on the CPU): call them off event loops.
 */
public interface Embedder {
    /** The vector of {@code text}, of {@link #dimension()} floats, of length 1. */
    float[] embed(String text);

    /** The vectors' length; 0 while not known (an endpoint's model answers it with the first vector). */
    int dimension();

    /**
     * The embedder cannot answer now (its endpoint failed a moment ago): the lookup is a miss,
     * without a log line per request, since the embedder logged the failure once.
     */
    final class Unavailable extends RuntimeException {
        public Unavailable(String message) {
            super(message, null, false, false);
        }
    }
}
