package dev.fairway.cache.semantic;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.ConcurrentMergeScheduler;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;

/**
 * The vector index on Lucene: an HNSW graph ({@link KnnFloatVectorField}, dot product of unit
 * vectors), each document also holding its partition (a keyword the kNN query filters on; a
 * partition with few entries is searched exactly, by Lucene's own choice), its entry's key and its
 * expiry. On disk it survives restarts: it is committed at most every {@link #COMMIT_MILLIS}
 * and on close, so a crash loses at most the last few seconds' entries (their answers are then
 * found by the exact cache only). Past {@code maxEntries} the soonest-to-expire entries leave;
 * expired entries are filtered out of searches and purged at commits.
 */
public final class LuceneVectorIndex implements VectorIndex {
    static final long COMMIT_MILLIS = 5_000;
    /**
     * How often a search may reopen the searcher when entries were added: a reopen flushes the
     * writer's buffer as a new segment, so reopening per lookup (after each store) wrote a segment
     * per entry and kept the merger busy. Entries added since are scanned from {@link RecentEntries}.
     */
    static final long REFRESH_NANOS = 1_000_000_000L;
    /** Past this many recent entries a store reopens the searcher at once, so the scan stays short. */
    static final int MAX_RECENT = 2_048;
    private static final String PARTITION = "p";
    private static final String KEY = "k";
    private static final String VECTOR = "v";
    private static final String EXPIRES = "e";
    private static final String WORDS = "w";

    private final Directory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final int maxEntries;
    private final Clock clock;
    private final AtomicLong lastCommit;
    private final Object maintenance = new Object();
    /** Entries were added or removed since the searcher was last reopened. */
    private final java.util.concurrent.atomic.AtomicBoolean dirty = new java.util.concurrent.atomic.AtomicBoolean();
    /** Entries added since the searcher was last reopened, searched by a plain scan ({@link RecentEntries}). */
    private final RecentEntries recent = new RecentEntries();
    private final AtomicLong lastRefreshNanos = new AtomicLong(System.nanoTime());

    private LuceneVectorIndex(Directory directory, int maxEntries, Clock clock) throws IOException {
        this.directory = directory;
        this.maxEntries = maxEntries;
        this.clock = clock;
        IndexWriterConfig config = new IndexWriterConfig().setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
        this.writer = new IndexWriter(directory, config);
        this.searchers = new SearcherManager(writer, null);
        this.lastCommit = new AtomicLong(clock.millis());
    }

    /** An index kept in {@code dir} across restarts; throws when another process holds it. */
    public static LuceneVectorIndex onDisk(Path dir, int maxEntries, Clock clock) throws IOException {
        return new LuceneVectorIndex(FSDirectory.open(requireNonNull(dir, "dir")), maxEntries, clock);
    }

    /** An index in memory only, gone with the process. */
    public static LuceneVectorIndex inMemory(int maxEntries, Clock clock) {
        try {
            return new LuceneVectorIndex(new ByteBuffersDirectory(), maxEntries, clock);
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory vector index", e);
        }
    }

    @Override
    public void add(String partition, float[] vector, int[] words, String entryKey, long expiresAtMillis) {
        Document doc = new Document();
        doc.add(new StringField(PARTITION, partition, Field.Store.NO));
        doc.add(new StringField(KEY, entryKey, Field.Store.YES));
        doc.add(new KnnFloatVectorField(VECTOR, vector, VectorSimilarityFunction.DOT_PRODUCT));
        doc.add(new LongPoint(EXPIRES, expiresAtMillis));
        doc.add(new NumericDocValuesField(EXPIRES, expiresAtMillis));
        ByteBuffer w = ByteBuffer.allocate(words.length * Integer.BYTES);
        w.asIntBuffer().put(words);
        doc.add(new StoredField(WORDS, new BytesRef(w.array())));
        try {
            writer.updateDocument(new Term(KEY, entryKey), doc);
            recent.add(partition, vector, words, entryKey, expiresAtMillis);
            dirty.set(true);
            if (writer.getDocStats().numDocs > maxEntries) {
                evict();
            } else if (recent.size() >= MAX_RECENT) {
                refresh();
            }
            maybeCommit();
        } catch (IOException e) {
            throw new UncheckedIOException("vector index: add", e);
        }
    }

    @Override
    public List<Nearest> nearest(String partition, float[] vector, int k, long nowMillis) {
        // The partition's postings are the whole filter: a range over every entry's expiry would
        // visit all of them per lookup; an expired neighbour is dropped below instead (and purged
        // at the next commit).
        TermQuery filter = new TermQuery(new Term(PARTITION, partition));
        try {
            long now = System.nanoTime();
            long last = lastRefreshNanos.get();
            if (dirty.get() && now - last >= REFRESH_NANOS && lastRefreshNanos.compareAndSet(last, now)) {
                refresh();
            }
            IndexSearcher searcher = searchers.acquire();
            List<Nearest> found = new ArrayList<>(k + 4);
            try {
                TopDocs top = searcher.search(new KnnFloatVectorQuery(VECTOR, vector, k, filter), k);
                for (ScoreDoc d : top.scoreDocs) {
                    if (expires(searcher, d.doc) <= nowMillis) {
                        continue;
                    }
                    Document doc = searcher.storedFields().document(d.doc);
                    BytesRef w = doc.getBinaryValue(WORDS);
                    int[] words = new int[w == null ? 0 : w.length / Integer.BYTES];
                    if (w != null) {
                        ByteBuffer.wrap(w.bytes, w.offset, w.length).asIntBuffer().get(words);
                    }
                    // Lucene scores a dot product d of unit vectors as (1 + d) / 2.
                    found.add(new Nearest(doc.get(KEY), 2.0 * d.score - 1.0, words));
                }
            } finally {
                searchers.release(searcher);
            }
            return recent.merge(found, partition, vector, k, nowMillis);
        } catch (IOException e) {
            throw new UncheckedIOException("vector index: search", e);
        }
    }

    private static long expires(IndexSearcher searcher, int doc) throws IOException {
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
        NumericDocValues values = leaf.reader().getNumericDocValues(EXPIRES);
        return values != null && values.advanceExact(doc - leaf.docBase) ? values.longValue() : Long.MAX_VALUE;
    }

    /** Reopens the searcher; the entries it now sees leave the recent list. */
    private void refresh() throws IOException {
        long upTo = recent.mark();
        dirty.set(false);
        searchers.maybeRefreshBlocking();
        recent.dropUpTo(upTo);
    }

    @Override
    public int size() {
        try {
            if (dirty.get()) {
                refresh();
            }
            IndexSearcher searcher = searchers.acquire();
            try {
                return searcher.getIndexReader().numDocs();
            } finally {
                searchers.release(searcher);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("vector index: size", e);
        }
    }

    /** Segments the current searcher sees (for tests: lookups between stores must not write one each). */
    int segments() {
        try {
            IndexSearcher searcher = searchers.acquire();
            try {
                return searcher.getIndexReader().leaves().size();
            } finally {
                searchers.release(searcher);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("vector index: segments", e);
        }
    }

    /**
     * Waits until the merges Lucene has running or pending are done, then reopens the searcher; for
     * the benchmark, which measures lookups both right after a bulk load and once its merges settle.
     */
    void settle() {
        try {
            writer.maybeMerge();
            if (writer.getConfig().getMergeScheduler() instanceof ConcurrentMergeScheduler merges) {
                merges.sync();
            }
            refresh();
        } catch (IOException e) {
            throw new UncheckedIOException("vector index: settle", e);
        }
    }

    /** Drops the soonest-to-expire entries, down to 95% of the bound, so eviction runs once per many adds. */
    private void evict() throws IOException {
        synchronized (maintenance) {
            // The writer's count includes replaced entries until their deletes apply: count on a fresh reader.
            refresh();
            IndexSearcher searcher = searchers.acquire();
            try {
                int excess = searcher.getIndexReader().numDocs() - maxEntries;
                if (excess <= 0) {
                    return;
                }
                int drop = excess + maxEntries / 20;
                TopDocs oldest = searcher.search(new MatchAllDocsQuery(), drop, new Sort(new SortField(EXPIRES, SortField.Type.LONG)));
                Term[] keys = new Term[oldest.scoreDocs.length];
                for (int i = 0; i < keys.length; i++) {
                    keys[i] = new Term(KEY, searcher.storedFields().document(oldest.scoreDocs[i].doc).get(KEY));
                }
                writer.deleteDocuments(keys);
                recent.remove(keys);
                dirty.set(true);
            } finally {
                searchers.release(searcher);
            }
        }
    }

    private void maybeCommit() throws IOException {
        long now = clock.millis();
        long last = lastCommit.get();
        if (now - last >= COMMIT_MILLIS && lastCommit.compareAndSet(last, now)) {
            writer.deleteDocuments(LongPoint.newRangeQuery(EXPIRES, Long.MIN_VALUE, now));
            writer.commit();
        }
    }

    @Override
    public void close() {
        try {
            searchers.close();
            writer.close();
            directory.close();
        } catch (IOException e) {
            throw new UncheckedIOException("vector index: close", e);
        }
    }
}
