package dev.fairway.cache.semantic;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.index.Term;

/**
 * The entries added to a {@link LuceneVectorIndex} since its searcher was last reopened, searched
 * by an exact scan: the searcher reopens at most once a second (a reopen writes a segment), and an
 * answer stored a moment ago must still be found by meaning. Bounded by the index, which reopens
 * (and so empties this) past {@link LuceneVectorIndex#MAX_RECENT} entries. Thread-safe.
 */
final class RecentEntries {
    private record Entry(long seq, String partition, float[] vector, int[] words, String key, long expiresAtMillis) {}

    private final Map<String, Entry> byKey = new HashMap<>();
    private long seq;

    synchronized void add(String partition, float[] vector, int[] words, String key, long expiresAtMillis) {
        byKey.put(key, new Entry(++seq, partition, vector, words, key, expiresAtMillis));
    }

    synchronized int size() {
        return byKey.size();
    }

    /** The newest entry's mark: what a reopen starting now will see. */
    synchronized long mark() {
        return seq;
    }

    /** Drops the entries a reopened searcher now holds (those added up to {@code mark}). */
    synchronized void dropUpTo(long mark) {
        byKey.values().removeIf(e -> e.seq() <= mark);
    }

    synchronized void remove(Term[] keys) {
        for (Term t : keys) {
            byKey.remove(t.text());
        }
    }

    /**
     * The searcher's {@code found} with this list's live entries of {@code partition} merged in, most
     * similar first, at most {@code k}; an entry re-added since the reopen counts with its new vector.
     */
    List<VectorIndex.Nearest> merge(List<VectorIndex.Nearest> found, String partition, float[] vector, int k, long nowMillis) {
        List<VectorIndex.Nearest> all = new ArrayList<>(found.size() + 4);
        synchronized (this) {
            if (byKey.isEmpty()) {
                return found;
            }
            for (VectorIndex.Nearest n : found) {
                if (!byKey.containsKey(n.entryKey())) {
                    all.add(n);
                }
            }
            for (Entry e : byKey.values()) {
                if (e.expiresAtMillis() > nowMillis && e.partition().equals(partition)) {
                    all.add(new VectorIndex.Nearest(e.key(), Vectors.cosine(vector, e.vector()), e.words()));
                }
            }
        }
        all.sort(Comparator.comparingDouble(VectorIndex.Nearest::similarity).reversed());
        return all.size() > k ? List.copyOf(all.subList(0, k)) : all;
    }
}
