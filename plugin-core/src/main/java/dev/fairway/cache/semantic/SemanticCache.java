package dev.fairway.cache.semantic;

import static java.util.Objects.requireNonNull;

import dev.fairway.config.CacheStorageSettings;
import dev.fairway.config.SemanticCacheSettings;
import dev.fairway.pipeline.Exchange;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The semantic tier behind the exact cache: splits a request ({@link Question}), embeds its last
 * user message and searches the vector index within its exact partition. All of it runs on a
 * small bounded pool of its own, never on the caller's thread (an event loop): the model's first
 * load, each embedding (milliseconds of CPU) and the index's disk reads. A full queue answers as a
 * miss and drops a store, as the exact store does. The model and the index open on first use, or
 * ahead when a route enables the semantic cache ({@link #open()}).
 */
public final class SemanticCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SemanticCache.class);
    private static final int QUEUE = 1024;
    /** Candidates read per lookup: the nearest may be one slot apart ({@link Wording}) while the next one is a match. */
    private static final int CANDIDATES = 4;

    private final Supplier<Embedder> embedders;
    private final Supplier<VectorIndex> indexes;
    private final Clock clock;
    private final ThreadPoolExecutor pool;
    private final LongAdder hits = new LongAdder();
    private final LongAdder stored = new LongAdder();
    private volatile Embedder embedder;
    private volatile VectorIndex index;
    private boolean closed;

    public SemanticCache(Supplier<Embedder> embedders, Supplier<VectorIndex> indexes, Clock clock, int threads) {
        this.embedders = requireNonNull(embedders, "embedders");
        this.indexes = requireNonNull(indexes, "indexes");
        this.clock = requireNonNull(clock, "clock");
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "fairway-semantic-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true);
    }

    /**
     * The process's semantic cache: {@code embedder}, the one {@code cache_storage.semantic_embedder}
     * names ({@link Embedders#of}), and a Lucene index in the directory beside the exact cache's
     * ({@code <directory>/semantic} for the in-process model, next to Ehcache's own files), in
     * memory only when the exact cache keeps nothing on disk or another process holds that directory.
     */
    public static SemanticCache create(CacheStorageSettings storage, Supplier<Embedder> embedder, Clock clock) {
        Supplier<VectorIndex> index = () -> {
            if (storage.diskMb() > 0) {
                Path dir = Path.of(storage.directory(), Embedders.directory(storage.semanticEmbedder())).toAbsolutePath();
                try {
                    LuceneVectorIndex onDisk = LuceneVectorIndex.onDisk(dir, storage.semanticEntries(), clock);
                    LOG.info("semantic cache index on disk at {} ({} entries)", dir, onDisk.size());
                    return onDisk;
                } catch (java.io.IOException | RuntimeException e) {
                    LOG.warn("semantic cache index cannot use {} ({}); indexing in memory only, nothing survives a restart", dir, e.toString());
                }
            }
            return LuceneVectorIndex.inMemory(storage.semanticEntries(), clock);
        };
        return new SemanticCache(embedder, index, clock, Embedders.threads(storage.semanticEmbedder()));
    }

    /** Loads the model and opens the index on the pool, ahead of the first request. */
    public void open() {
        try {
            pool.execute(() -> {
                try {
                    embedder();
                    index();
                } catch (RuntimeException | LinkageError e) {
                    LOG.warn("semantic cache could not be opened: {}", e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("semantic cache not opened ahead: {}", e.toString());
        }
    }

    /**
     * Looks {@code exchange} up by meaning; completes with a lookup that may be stored under later
     * (a miss), or {@link Lookup#NONE} when the request is excluded, the pool is full or a step failed.
     */
    public CompletableFuture<Lookup> lookUp(Exchange exchange, SemanticCacheSettings settings, double threshold) {
        try {
            return CompletableFuture.supplyAsync(() -> {
                Question question = Question.of(exchange.body().node(), settings);
                if (!question.eligible()) {
                    LOG.debug("request {}: not looked up by meaning: {}", exchange.logId(), question.exclusion());
                    return Lookup.NONE;
                }
                String partition = Partition.of(exchange, question, Guard.signature(question.text()));
                float[] vector = embedder().embed(question.text());
                int[] words = Wording.of(question.text());
                VectorIndex.Nearest hit = null;
                for (VectorIndex.Nearest c : index().nearest(partition, vector, CANDIDATES, clock.millis())) {
                    if (c.similarity() >= threshold && !Wording.oneSlotApart(words, c.words())) {
                        hit = c;
                        break;
                    }
                }
                return new Lookup(partition, vector, words, hit);
            }, pool).exceptionally(t -> {
                Throwable cause = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
                if (cause instanceof Embedder.Unavailable) {
                    // The embedder logged the failure once; a log line per request would flood.
                    LOG.debug("request {}: not looked up by meaning: {}", exchange.logId(), cause.getMessage());
                } else {
                    LOG.warn("request {}: semantic lookup failed, answering as a miss: {}", exchange.logId(), cause.toString());
                }
                return Lookup.NONE;
            });
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(Lookup.NONE);
        }
    }

    /** Indexes a miss whose answer the exact cache stored under {@code entryKey}. */
    public void store(Lookup lookup, String entryKey, long expiresAtMillis) {
        if (lookup.partition() == null) {
            return;
        }
        try {
            pool.execute(() -> {
                try {
                    index().add(lookup.partition(), lookup.vector(), lookup.words(), entryKey, expiresAtMillis);
                    stored.increment();
                } catch (RuntimeException e) {
                    LOG.warn("semantic cache store failed: {}", e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("semantic cache store dropped: queue full");
        }
    }

    /** Counts a request answered through a semantic match. */
    public void countHit() {
        hits.increment();
    }

    /** Requests answered through a semantic match since the process started. */
    public long hits() {
        return hits.sum();
    }

    /** Entries indexed since the process started. */
    public long stored() {
        return stored.sum();
    }

    private Embedder embedder() {
        Embedder e = embedder;
        if (e == null) {
            synchronized (this) {
                if (embedder == null) {
                    long start = System.nanoTime();
                    embedder = embedders.get();
                    LOG.debug("semantic cache model ready after {} ms", (System.nanoTime() - start) / 1_000_000);
                }
                e = embedder;
            }
        }
        return e;
    }

    private VectorIndex index() {
        VectorIndex i = index;
        if (i == null) {
            synchronized (this) {
                if (closed) {
                    throw new IllegalStateException("the semantic cache is closed");
                }
                if (index == null) {
                    index = indexes.get();
                }
                i = index;
            }
        }
        return i;
    }

    @Override
    public void close() {
        pool.shutdown();
        try {
            pool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            closed = true;
            if (index != null) {
                index.close();
                index = null;
            }
        }
    }

    /**
     * One semantic lookup: where a miss is stored, and the match if there was one.
     *
     * @param partition the exact part's hash, or null when the request is not looked up by meaning
     * @param vector the last user message's embedding, or null
     * @param words its {@link Wording}, or null
     * @param hit the nearest entry at or above the threshold that is not one slot apart, or null
     */
    public record Lookup(String partition, float[] vector, int[] words, VectorIndex.Nearest hit) {
        public static final Lookup NONE = new Lookup(null, null, null, null);
    }
}
