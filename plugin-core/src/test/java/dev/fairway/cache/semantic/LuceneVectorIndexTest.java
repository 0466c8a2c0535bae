package dev.fairway.cache.semantic;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LuceneVectorIndexTest {
    private static final long NOW = 1_700_000_000_000L;
    private final Clock clock = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private static float[] v(float... xs) {
        return Vectors.unit(xs);
    }

    @Test
    void searchesOnlyItsPartitionAndGivesCosineSimilarity() {
        try (LuceneVectorIndex index = LuceneVectorIndex.inMemory(100, clock)) {
            index.add("tenant-a", v(1, 0, 0), new int[] {1}, "json:a", NOW + 60_000);
            index.add("tenant-b", v(1, 0.01f, 0), new int[] {2}, "json:b", NOW + 60_000);

            var found = index.nearest("tenant-a", v(1, 1, 0), 4, NOW);

            assertThat(found).hasSize(1);
            assertThat(found.get(0).entryKey()).isEqualTo("json:a");
            assertThat(found.get(0).similarity()).isCloseTo(Math.sqrt(0.5), org.assertj.core.data.Offset.offset(1e-4));
            assertThat(found.get(0).words()).containsExactly(1);
            assertThat(index.nearest("tenant-c", v(1, 0, 0), 4, NOW)).isEmpty();
        }
    }

    @Test
    void expiredEntriesAreNotFound() {
        try (LuceneVectorIndex index = LuceneVectorIndex.inMemory(100, clock)) {
            index.add("p", v(1, 0), new int[0], "json:a", NOW + 1_000);

            assertThat(index.nearest("p", v(1, 0), 1, NOW + 999)).hasSize(1);
            assertThat(index.nearest("p", v(1, 0), 1, NOW + 1_000)).isEmpty();
        }
    }

    @Test
    void pastItsBoundTheSoonestToExpireLeaveFirst() {
        try (LuceneVectorIndex index = LuceneVectorIndex.inMemory(20, clock)) {
            for (int i = 0; i < 40; i++) {
                index.add("p", v(1, i), new int[0], "json:" + i, NOW + 1_000_000 - i);
            }

            assertThat(index.size()).isLessThanOrEqualTo(20);
            // The last ones stored expire soonest here, so they went first; the first one stays.
            assertThat(index.nearest("p", v(1, 0), 1, NOW).get(0).entryKey()).isEqualTo("json:0");
            assertThat(index.nearest("p", v(1, 30), 1, NOW).get(0).entryKey()).isNotEqualTo("json:30");
        }
    }

    @Test
    void addingTheSameEntryAgainReplacesIt() {
        try (LuceneVectorIndex index = LuceneVectorIndex.inMemory(100, clock)) {
            index.add("p", v(1, 0), new int[0], "json:a", NOW + 1_000);
            index.add("p", v(0, 1), new int[0], "json:a", NOW + 1_000);

            assertThat(index.size()).isEqualTo(1);
            assertThat(index.nearest("p", v(0, 1), 1, NOW).get(0).similarity()).isGreaterThan(0.999);
        }
    }

    @Test
    void onDiskItSurvivesAReopen() throws Exception {
        try (LuceneVectorIndex index = LuceneVectorIndex.onDisk(dir, 100, clock)) {
            index.add("p", v(1, 0), new int[] {7}, "json:a", NOW + 60_000);
        }
        try (LuceneVectorIndex index = LuceneVectorIndex.onDisk(dir, 100, clock)) {
            assertThat(index.nearest("p", v(1, 0), 1, NOW).get(0).entryKey()).isEqualTo("json:a");
        }
    }

    @Test
    void lookupsBetweenStoresFindEachNewEntryWithoutWritingASegmentEach() {
        try (LuceneVectorIndex index = LuceneVectorIndex.inMemory(1_000, clock)) {
            for (int i = 0; i < 60; i++) {
                index.add("p", v(1, i, 2), new int[0], "json:" + i, NOW + 60_000);
                // Found at once (from the recent entries), not after the next reopen.
                assertThat(index.nearest("p", v(1, i, 2), 1, NOW).get(0).entryKey()).isEqualTo("json:" + i);
            }
            // A reopen per lookup wrote one segment per entry (60, fewer after merges); at most one a second now.
            assertThat(index.segments()).isLessThanOrEqualTo(3);
            assertThat(index.size()).isEqualTo(60);
        }
    }

    @Test
    void anExpiredEntryIsDroppedAfterTheSearcherHoldsIt() {
        try (LuceneVectorIndex index = LuceneVectorIndex.inMemory(100, clock)) {
            index.add("p", v(1, 0), new int[0], "json:old", NOW + 1_000);
            index.add("p", v(1, 0.1f), new int[0], "json:new", NOW + 60_000);
            index.size(); // reopens: both now come from the searcher, not the recent list

            assertThat(index.nearest("p", v(1, 0), 2, NOW + 2_000)).extracting(VectorIndex.Nearest::entryKey).containsExactly("json:new");
        }
    }
}
