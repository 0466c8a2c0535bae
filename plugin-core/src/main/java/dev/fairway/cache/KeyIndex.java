package dev.fairway.cache;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.ehcache.event.CacheEvent;
import org.ehcache.event.CacheEventListener;

/**
 * The keys the store holds, kept beside Ehcache so that a certain miss (a new prompt, the common
 * case) is answered on the caller's thread instead of a round trip through the store's pool. It may
 * hold a key Ehcache has just dropped (a wasted trip, answered as a miss there); once
 * {@link #complete()} (until then every lookup goes to the store) it lacks a stored key only when a
 * lookup raced that key's first store, which costs one more trip upstream, never a wrong answer.
 *
 * <p>Its size is bounded by the store's: keys leave on the store's eviction events, and a key the
 * store lacks when it is looked up leaves then.
 */
final class KeyIndex implements CacheEventListener<String, CachedResponse> {
    private final Set<String> keys = ConcurrentHashMap.newKeySet();
    private volatile boolean complete;

    /** Whether {@code key} may be stored: false only when it certainly is not. */
    boolean mayContain(String key) {
        return !complete || keys.contains(key);
    }

    void added(String key) {
        keys.add(key);
    }

    /** The store answered that it lacks {@code key}. */
    void dropped(String key) {
        keys.remove(key);
    }

    /** Every entry that survived from an earlier run has been read into the index. */
    void markComplete() {
        complete = true;
    }

    int size() {
        return keys.size();
    }

    @Override
    public void onEvent(CacheEvent<? extends String, ? extends CachedResponse> event) {
        switch (event.getType()) {
            case EVICTED, EXPIRED, REMOVED -> keys.remove(event.getKey());
            case CREATED, UPDATED -> keys.add(event.getKey());
        }
    }
}
