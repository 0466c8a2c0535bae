package dev.fairway.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.logstore.LogStore;
import dev.fairway.logstore.LogStores;
import dev.fairway.logstore.StoredLog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Analytics from the log store report feedback (thumbs up/down), score (average, count) and
 * semantic cache hits apart from exact ones, in totals and per group: per experiment arm
 * ({@code group_by=metadata.fairway.experiment.<name>}, aggregated from the records) and per model
 * (from the rollup), right after PATCH /logs changed them.
 */
class StoreFeedbackAnalyticsTest {
    private static final long T0 = 1_767_225_600_000L;

    @TempDir
    Path dir;

    @Test
    void feedbackScoreAndSemanticHitsPerArmAndPerModel() {
        try (LogStore store = LogStores.sqlite(dir.resolve("logs.db"), 2)) {
            List<StoredLog> rows = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String arm = i < 6 ? "brief" : "long";
                boolean cached = i % 3 == 0; // 0, 3, 6, 9
                boolean semantic = i == 3 || i == 9;
                rows.add(new StoredLog("a-" + i, null, "node", i + 1, T0 + i * 60_000L, 20, 5.0, 13, 7, "chat", "openai",
                        i % 2 == 0 ? "m-even" : "m-odd", 200, true, cached, semantic, null, 10L, 10L, 0L, 0.001,
                        "{\"fairway.experiment.tone\":\"" + arm + "\"}", null, null, new byte[] {'{', '}'}));
            }
            store.append("node", 10, rows);
            // brief: a-0 up 80, a-1 up 60, a-2 down 10; long: a-6 down (no score), a-7 score 50 only.
            assertThat(store.patch("a-0", 1, 80, null)).isTrue();
            assertThat(store.patch("a-1", 1, 60, null)).isTrue();
            assertThat(store.patch("a-2", -1, 10, null)).isTrue();
            assertThat(store.patch("a-6", -1, null, null)).isTrue();
            assertThat(store.patch("a-7", null, 50, null)).isTrue();
            // A changed mind: a-2's thumbs turn up, its score moves from 10 to 40.
            assertThat(store.patch("a-2", 1, 40, null)).isTrue();

            Map<String, Object> byArm = query(store, "metadata.fairway.experiment.tone");
            assertThat(totals(byArm)).containsEntry("feedback_up", 3L).containsEntry("feedback_down", 1L)
                    .containsEntry("score_count", 4L).containsEntry("score_avg", 57.5)
                    .containsEntry("cached", 4L).containsEntry("cached_semantic", 2L).containsEntry("cached_exact", 2L);
            assertThat(group(byArm, "brief")).containsEntry("requests", 6L).containsEntry("feedback_up", 3L)
                    .containsEntry("feedback_down", 0L).containsEntry("score_count", 3L).containsEntry("score_avg", 60.0)
                    .containsEntry("cached_semantic", 1L).containsEntry("cached_exact", 1L);
            assertThat(group(byArm, "long")).containsEntry("requests", 4L).containsEntry("feedback_up", 0L)
                    .containsEntry("feedback_down", 1L).containsEntry("score_count", 1L).containsEntry("score_avg", 50.0)
                    .containsEntry("cached_semantic", 1L).containsEntry("cached_exact", 1L);

            Map<String, Object> byModel = query(store, "model"); // answered by the rollup
            assertThat(group(byModel, "m-even")).containsEntry("feedback_up", 2L).containsEntry("feedback_down", 1L)
                    .containsEntry("score_count", 2L).containsEntry("score_avg", 60.0)
                    .containsEntry("cached_semantic", 0L).containsEntry("cached_exact", 2L);
            assertThat(group(byModel, "m-odd")).containsEntry("feedback_up", 1L).containsEntry("score_count", 2L)
                    .containsEntry("score_avg", 55.0).containsEntry("cached_semantic", 2L).containsEntry("cached_exact", 0L);
        }
    }

    private static Map<String, Object> query(LogStore store, String groupBy) {
        return StoreAnalytics.query(store, AnalyticsQuery.parse(Map.of("from", List.of(String.valueOf(T0)),
                "to", List.of(String.valueOf(T0 + 3_600_000L)), "group_by", List.of(groupBy)), T0));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> totals(Map<String, Object> answer) {
        return (Map<String, Object>) answer.get("totals");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> group(Map<String, Object> answer, String key) {
        return ((List<Map<String, Object>>) answer.get("groups")).stream().filter(g -> key.equals(g.get("key")))
                .map(g -> (Map<String, Object>) g.get("totals")).findFirst().orElseThrow();
    }
}
