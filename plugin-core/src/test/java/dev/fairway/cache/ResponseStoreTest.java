package dev.fairway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.config.CacheStorageSettings;
import dev.fairway.config.ConfigLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResponseStoreTest {
    @TempDir
    Path dir;

    private CacheStorageSettings storage(String yaml) {
        return ConfigLoader.withEnv(Map.of()).parse("cache_storage: {directory: \"%s\", %s}"
                .formatted(dir.toString().replace("\\", "/"), yaml)).cacheStorage();
    }

    private static CachedResponse entry(long storedAt, int ttl) {
        return new CachedResponse(200, List.of("content-type", "application/json"),
                "{\"ok\":true}".getBytes(StandardCharsets.UTF_8), storedAt, ttl);
    }

    @Test
    void entriesSurviveClosingAndReopeningTheStoreOnTheSameDirectory() {
        CacheHarness.TestClock clock = new CacheHarness.TestClock();
        CacheStorageSettings settings = storage("heap_entries: 10, off_heap_mb: 2, disk_mb: 8");
        try (ResponseStore store = new ResponseStore(settings, clock)) {
            assertThat(store.put("k", () -> entry(clock.millis(), 3600)).join()).isNotNull();
        }

        try (ResponseStore reopened = new ResponseStore(settings, clock)) {
            CachedResponse back = reopened.get("k").join();
            assertThat(back).isNotNull();
            assertThat(new String(back.body(), StandardCharsets.UTF_8)).isEqualTo("{\"ok\":true}");
            assertThat(back.ttlSeconds()).isEqualTo(3600);

            clock.advanceSeconds(3600);
            assertThat(reopened.get("k").join()).isNull();
        }
    }

    @Test
    void aCertainMissIsAnsweredWithoutTheStoresPoolAndSurvivorsAreKnownAfterARestart() {
        CacheHarness.TestClock clock = new CacheHarness.TestClock();
        CacheStorageSettings settings = storage("heap_entries: 10, off_heap_mb: 2, disk_mb: 8");
        try (ResponseStore store = new ResponseStore(settings, clock)) {
            store.put("kept", () -> entry(clock.millis(), 3600)).join();
            assertThat(store.get("never-stored").isDone()).as("answered at once, on the caller's thread").isTrue();
            assertThat(store.get("never-stored").join()).isNull();
        }
        try (ResponseStore reopened = new ResponseStore(settings, clock)) {
            // Until the index has read the survivors, lookups go to the store; once it has, "kept" is known.
            assertThat(reopened.get("kept").join()).isNotNull();
            assertThat(reopened.get("kept").join()).isNotNull();
            assertThat(reopened.get("other").isDone()).isTrue();
        }
    }

    @Test
    void withoutADiskTierNothingIsWrittenToTheDirectory() throws Exception {
        CacheStorageSettings settings = storage("heap_entries: 10, off_heap_mb: 2, disk_mb: 0");
        CacheHarness.TestClock clock = new CacheHarness.TestClock();
        try (ResponseStore store = new ResponseStore(settings, clock)) {
            store.put("k", () -> entry(clock.millis(), 60)).join();
            assertThat(store.get("k").join()).isNotNull();
        }
        try (var files = java.nio.file.Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aSecondStoreOnABusyDirectoryFallsBackToMemory() {
        CacheHarness.TestClock clock = new CacheHarness.TestClock();
        CacheStorageSettings settings = storage("off_heap_mb: 2, disk_mb: 8");
        try (ResponseStore first = new ResponseStore(settings, clock); ResponseStore second = new ResponseStore(settings, clock)) {
            first.put("k", () -> entry(clock.millis(), 60)).join();
            assertThat(second.put("k2", () -> entry(clock.millis(), 60)).join()).isNotNull();
            assertThat(second.get("k2").join()).isNotNull();
            assertThat(second.get("k").join()).isNull();
        }
    }

    @Test
    void aKeyTheStoreDoesNotHoldLeavesTheIndexAtItsNextLookup() {
        CacheHarness.TestClock clock = new CacheHarness.TestClock();
        CacheStorageSettings settings = storage("heap_entries: 10, off_heap_mb: 0, disk_mb: 0");
        try (ResponseStore store = new ResponseStore(settings, clock)) {
            store.put("k", () -> entry(clock.millis(), 60)).join();
            // Indexed without being stored, as when the store's eviction event was handled before
            // the key was indexed: without a repair the key would stay forever.
            store.index().added("ghost");
            assertThat(store.index().size()).isEqualTo(2);
            assertThat(store.get("ghost").join()).isNull();
            assertThat(store.index().size()).isEqualTo(1);
            assertThat(store.get("k").join()).isNotNull();
            assertThat(store.index().size()).isEqualTo(1);
        }
    }
}
