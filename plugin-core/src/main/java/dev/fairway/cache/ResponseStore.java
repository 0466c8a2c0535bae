package dev.fairway.cache;

import static java.util.Objects.requireNonNull;

import dev.fairway.config.CacheStorageSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.ehcache.Cache;
import org.ehcache.CacheManager;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.CacheManagerBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.ehcache.config.units.EntryUnit;
import org.ehcache.config.units.MemoryUnit;
import org.ehcache.event.EventType;
import org.ehcache.config.builders.CacheEventListenerConfigurationBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ehcache store behind the cache stage: heap, then off-heap, then a persistent disk tier.
 *
 * <p>Every call runs on a small bounded pool of its own, never on the caller's thread: a lookup may
 * read the disk tier, and the callers are Vert.x event loops (or a host's RPC threads) that must not
 * block. When the pool's queue is full a lookup counts as a miss and a store is dropped, so a slow
 * disk degrades hit rate, not latency. The cache manager is opened ahead when a route caches (see
 * {@link CacheStage#create}), else on first use, so a process that never caches touches no disk.
 */
final class ResponseStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ResponseStore.class);
    private static final String CACHE = "responses";
    private static final int QUEUE = 4096;
    private static final CompletableFuture<CachedResponse> MISS = CompletableFuture.completedFuture(null);

    private final CacheStorageSettings settings;
    private final Clock clock;
    private final ThreadPoolExecutor io;
    private final KeyIndex index = new KeyIndex();
    private CacheManager manager;
    private volatile Cache<String, CachedResponse> cache;
    private boolean closed;

    ResponseStore(CacheStorageSettings settings, Clock clock) {
        this.settings = requireNonNull(settings, "settings");
        this.clock = requireNonNull(clock, "clock");
        AtomicInteger n = new AtomicInteger();
        this.io = new ThreadPoolExecutor(settings.ioThreads(), settings.ioThreads(), 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUE), r -> {
                    Thread t = new Thread(r, "fairway-cache-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        io.allowCoreThreadTimeOut(true);
    }

    /** The live entry under {@code key}, or null; expired entries are misses even before Ehcache evicts them. */
    CompletableFuture<CachedResponse> get(String key) {
        if (!index.mayContain(key)) {
            return MISS;
        }
        try {
            return CompletableFuture.supplyAsync(() -> {
                CachedResponse r = cache().get(key);
                if (r == null) {
                    // Repairs the index: it holds only keys the store holds (or is storing right now).
                    index.dropped(key);
                }
                return r == null || r.expiredAt(clock.millis()) ? null : r;
            }, io).exceptionally(t -> {
                LOG.warn("cache lookup failed, answering as a miss: {}", rootMessage(t));
                return null;
            });
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(null);
        }
    }

    /**
     * Builds the entry on the pool (checking a body can take a while for a long stream) and stores
     * it; the future gives the stored entry, or null when {@code value} gave none or storing failed.
     */
    CompletableFuture<CachedResponse> put(String key, Supplier<CachedResponse> value) {
        try {
            return CompletableFuture.supplyAsync(() -> {
                CachedResponse v = value.get();
                if (v != null) {
                    // Indexed before it is stored: the store's asynchronous eviction event for this
                    // entry then always comes after, and cannot leave a key behind forever.
                    index.added(key);
                    cache().put(key, v);
                }
                return v;
            }, io).exceptionally(t -> {
                LOG.warn("cache store failed: {}", rootMessage(t));
                return null;
            });
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(null);
        }
    }

    private Cache<String, CachedResponse> cache() {
        Cache<String, CachedResponse> c = cache;
        if (c != null) {
            return c;
        }
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the cache is closed");
            }
            if (cache == null) {
                openManager();
                indexSurvivors(cache);
            }
            return cache;
        }
    }

    /** The store's bounded pool, for other work on entries that must stay off the callers' threads. */
    Executor executor() {
        return io;
    }

    /** The index of stored keys; for tests of its bound. */
    KeyIndex index() {
        return index;
    }

    /** Opens the Ehcache manager on the store's pool, ahead of the first request. */
    void open() {
        try {
            io.execute(() -> {
                try {
                    cache();
                } catch (RuntimeException e) {
                    LOG.warn("response cache could not be opened: {}", rootMessage(e));
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("response cache not opened ahead: {}", e.toString());
        }
    }

    private void openManager() {
        Path dir = Path.of(settings.directory()).toAbsolutePath();
        if (settings.diskMb() > 0) {
            try {
                manager = CacheManagerBuilder.newCacheManagerBuilder()
                        .with(CacheManagerBuilder.persistence(dir.toFile()))
                        .withCache(CACHE, configuration(true))
                        .build(true);
                cache = manager.getCache(CACHE, String.class, CachedResponse.class);
                LOG.info("response cache on disk at {}", dir);
                return;
            } catch (RuntimeException e) {
                // Most often another process holds the directory: serve from memory rather than not at all.
                LOG.warn("response cache cannot use {} ({}); caching in memory only, nothing survives a restart", dir, rootMessage(e));
            }
        }
        manager = CacheManagerBuilder.newCacheManagerBuilder().withCache(CACHE, configuration(false)).build(true);
        cache = manager.getCache(CACHE, String.class, CachedResponse.class);
    }

    /** Reads the keys of entries kept from an earlier run (the disk tier) into the index, once. */
    private void indexSurvivors(Cache<String, CachedResponse> c) {
        for (Cache.Entry<String, CachedResponse> e : c) {
            index.added(e.getKey());
        }
        index.markComplete();
        LOG.debug("response cache index ready with {} keys", index.size());
    }

    private CacheConfigurationBuilder<String, CachedResponse> configuration(boolean disk) {
        ResourcePoolsBuilder pools = ResourcePoolsBuilder.newResourcePoolsBuilder().heap(settings.heapEntries(), EntryUnit.ENTRIES);
        if (settings.offHeapMb() > 0) {
            pools = pools.offheap(settings.offHeapMb(), MemoryUnit.MB);
        }
        if (disk) {
            pools = pools.disk(settings.diskMb(), MemoryUnit.MB, true);
        }
        return CacheConfigurationBuilder.newCacheConfigurationBuilder(String.class, CachedResponse.class, pools)
                .withExpiry(new TtlExpiry())
                .withValueSerializer(new EntrySerializer())
                .withService(CacheEventListenerConfigurationBuilder
                        .newEventListenerConfiguration(index, EventType.EVICTED, EventType.EXPIRED, EventType.REMOVED)
                        .unordered().asynchronous());
    }

    @Override
    public void close() {
        io.shutdown();
        try {
            io.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            closed = true;
            if (manager != null) {
                manager.close();
                manager = null;
                cache = null;
            }
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getClass().getSimpleName() + ": " + c.getMessage();
    }
}
