package dev.fairway.logstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every log store must do, run against each implementation (SQLite, PostgreSQL) by a subclass:
 * the same tests, so the shared store cannot drift from the embedded one.
 */
abstract class LogStoreContract {
    static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    LogStore store;

    abstract LogStore open() throws Exception;

    @BeforeEach
    void setUp() throws Exception {
        store = open();
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    private List<StoredLog> sample() {
        List<StoredLog> rows = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            String route = i % 3 == 0 ? "support" : "chat";
            String provider = i % 2 == 0 ? "openai" : "anthropic";
            int status = i % 10 == 0 ? 500 : 200;
            rows.add(TestRows.row(String.format("id-%03d", i), i, T0 + i * 60_000L, route, provider, "m" + (i % 4), status,
                    status == 200 ? i * 0.001 : null, i * 10.0, "{\"user\":\"u" + (i % 5) + "\",\"n\":" + i + "}"));
        }
        return rows;
    }

    @Test
    void appendIsIdempotentByLogIdAndMovesThePosition() {
        List<StoredLog> rows = sample();
        assertThat(store.append("node-a", 30, rows)).isEqualTo(30);
        assertThat(store.append("node-a", 30, rows)).isZero();
        assertThat(store.position("node-a")).isEqualTo(30);
        assertThat(store.position("node-b")).isZero();
        assertThat(store.count("chat") + store.count("support")).isEqualTo(30);
        // The position never goes back (a slower replay must not rewind it).
        store.append("node-a", 12, List.of());
        assertThat(store.position("node-a")).isEqualTo(30);
    }

    @Test
    void anAppendOverSeveralAddsIsOneTransaction() {
        List<StoredLog> rows = sample();
        try (LogStore.Append append = store.openAppend("node-a")) {
            assertThat(append.add(10, rows.subList(0, 10))).isEqualTo(10);
            assertThat(append.add(20, rows.subList(5, 20))).as("the first five are stored already").isEqualTo(10);
            // Not committed: neither the records nor the position are seen.
            assertThat(store.position("node-a")).isZero();
            assertThat(store.get("id-001")).isEmpty();
            append.commit();
        }
        assertThat(store.position("node-a")).isEqualTo(20);
        assertThat(store.count("chat") + store.count("support")).isEqualTo(20);
        List<LogStore.AggregateRow> agg = store.aggregate(LogFilter.ALL, 3_600_000L, null);
        assertThat(agg.stream().mapToLong(LogStore.AggregateRow::requests).sum()).as("the rollup counts each once").isEqualTo(20);
        // The store's other writes go on after the commit.
        assertThat(store.patch("id-001", 1, null, null)).isTrue();
    }

    @Test
    void anAppendClosedWithoutCommitLeavesNothingAndReleasesTheStore() {
        List<StoredLog> rows = sample();
        try (LogStore.Append append = store.openAppend("node-a")) {
            append.add(10, rows.subList(0, 10));
        }
        assertThat(store.position("node-a")).isZero();
        assertThat(store.get("id-001")).isEmpty();
        assertThat(store.aggregate(LogFilter.ALL, 3_600_000L, null).stream().mapToLong(LogStore.AggregateRow::requests).sum()).isZero();
        // The write lock and the connection were given back: the next append and a patch go through.
        assertThat(store.append("node-a", 30, rows)).isEqualTo(30);
        assertThat(store.patch("id-001", 1, null, null)).isTrue();
        try (LogStore.Append append = store.openAppend("node-a")) {
            append.commit();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> append.add(31, List.of()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("already committed");
        }
    }

    @Test
    void filtersSelectExactlyTheMatchingRecords() {
        store.append("node-a", 30, sample());
        assertThat(ids(filter().route("support").build())).hasSize(10).allMatch(id -> num(id) % 3 == 0);
        assertThat(ids(filter().provider("openai").status(500).build())).containsExactlyInAnyOrder("id-010", "id-020", "id-030");
        assertThat(ids(filter().success(false).build())).containsExactlyInAnyOrder("id-010", "id-020", "id-030");
        assertThat(ids(filter().meta("user", "u2").build())).containsExactlyInAnyOrder("id-002", "id-007", "id-012", "id-017", "id-022", "id-027");
        assertThat(ids(filter().minCost(0.025).build())).containsExactlyInAnyOrder("id-025", "id-026", "id-027", "id-028", "id-029");
        assertThat(ids(filter().minDuration(285.0).build())).containsExactlyInAnyOrder("id-029", "id-030");
        assertThat(ids(filter().time(T0 + 5 * 60_000L, T0 + 8 * 60_000L).build())).containsExactlyInAnyOrder("id-005", "id-006", "id-007");
        assertThat(ids(filter().eventId("ev-id-004").build())).containsExactly("id-004");
        assertThat(ids(filter().logId("id-009").model("m1").build())).containsExactly("id-009");
        assertThat(ids(filter().logId("id-009").model("m2").build())).isEmpty();
    }

    @Test
    void pagesFollowTheCursorWithoutRepeatsOrGaps() {
        store.append("node-a", 30, sample());
        for (LogStore.Sort sort : LogStore.Sort.values()) {
            for (boolean asc : new boolean[] {true, false}) {
                List<String> seen = new ArrayList<>();
                LogPage.Cursor cursor = null;
                int pages = 0;
                do {
                    LogPage page = store.list(LogFilter.ALL, sort, asc, cursor, 7);
                    page.logs().forEach(l -> seen.add(l.logId()));
                    cursor = page.next() == null ? null : LogPage.Cursor.decode(page.next().encode());
                    pages++;
                } while (cursor != null);
                assertThat(seen).as("%s %s", sort, asc).hasSize(30).doesNotHaveDuplicates();
                assertThat(pages).isEqualTo(5);
            }
        }
        List<StoredLog> byCost = store.list(LogFilter.ALL, LogStore.Sort.COST, false, null, 3).logs();
        assertThat(byCost).extracting(StoredLog::logId).containsExactly("id-029", "id-028", "id-027");
        List<StoredLog> newest = store.list(LogFilter.ALL, LogStore.Sort.TIME, false, null, 2).logs();
        assertThat(newest).extracting(StoredLog::logId).containsExactly("id-030", "id-029");
    }

    @Test
    void getPatchAndDelete() {
        store.append("node-a", 30, sample());
        StoredLog one = store.get("id-007").orElseThrow();
        assertThat(new String(one.record(), java.nio.charset.StandardCharsets.UTF_8)).contains("\"request_body\"");
        assertThat(one.costUsd()).isEqualTo(0.007);
        assertThat(one.feedback()).isNull();
        assertThat(store.patch("id-007", 1, 85, null)).isTrue();
        assertThat(store.patch("id-007", null, null, "{\"team\":\"a\"}")).isTrue();
        StoredLog patched = store.get("id-007").orElseThrow();
        assertThat(patched.feedback()).isEqualTo(1);
        assertThat(patched.score()).isEqualTo(85);
        assertThat(patched.metadata()).isEqualTo("{\"team\":\"a\"}");
        assertThat(store.patch("nope", 1, null, null)).isFalse();

        assertThat(store.delete(filter().meta("user", "u3").build())).containsExactlyInAnyOrder(
                "id-003", "id-008", "id-013", "id-018", "id-023", "id-028");
        assertThat(store.get("id-003")).isEmpty();
        // An erased record never comes back, even when the spool is replayed.
        store.append("node-a", 30, sample());
        assertThat(store.get("id-003")).isEmpty();
        assertThat(store.count("chat") + store.count("support")).isEqualTo(24);
    }

    @Test
    void erasedIdsStayErasedInAReplayLargerThanOneLookup() {
        // More records than one lookup of erased ids binds (64), erased ids in the first, at the edges and in the last.
        List<String> erased = List.of("big-3", "big-499", "big-500", "big-501", "big-999", "big-1000", "big-1233");
        List<StoredLog> rows = storedThenErased("big-", 1_234, erased);
        assertThat(store.append("node-a", 1_234, rows)).isZero();
        for (String id : erased) {
            assertThat(store.get(id)).as(id).isEmpty();
        }
        assertThat(store.get("big-498")).isPresent();
        assertThat(store.count("chat")).isEqualTo(1_234 - erased.size());
    }

    @Test
    void erasedIdsStayErasedInAReplayOfSmallAdds() {
        // A feeder that keeps up adds a few records at a time: adds of 70 (a full lookup, then a short
        // one), 8, 1 and 9, with erased ids in each lookup, at its edges.
        List<String> erased = List.of("small-0", "small-63", "small-64", "small-69", "small-70", "small-77", "small-78",
                "small-79", "small-87");
        List<StoredLog> rows = storedThenErased("small-", 88, erased);
        int from = 0;
        for (int size : new int[] {70, 8, 1, 9}) {
            assertThat(store.append("node-a", 88, rows.subList(from, from + size))).isZero();
            from += size;
        }
        for (String id : erased) {
            assertThat(store.get(id)).as(id).isEmpty();
        }
        assertThat(store.get("small-86")).isPresent();
        assertThat(store.count("chat")).isEqualTo(88 - erased.size());
    }

    /** {@code n} chat records with ids {@code prefix + i}, stored, then {@code erased} of them erased one by one. */
    private List<StoredLog> storedThenErased(String prefix, int n, List<String> erased) {
        List<StoredLog> rows = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(TestRows.row(prefix + i, i + 1, T0 + i, "chat", "openai", "m1", 200, 0.001, 10.0, "{}"));
        }
        assertThat(store.append("node-a", n, rows)).isEqualTo(n);
        for (String id : erased) {
            assertThat(store.delete(filter().logId(id).build())).containsExactly(id);
        }
        return rows;
    }

    @Test
    void aggregatesCountEveryRecordOnce() {
        store.append("node-a", 30, sample());
        List<LogStore.AggregateRow> rows = store.aggregate(LogFilter.ALL.withTimeRange(T0, T0 + 3_600_000L), 600_000L, "route");
        long requests = rows.stream().mapToLong(LogStore.AggregateRow::requests).sum();
        assertThat(rows.stream().mapToLong(r -> java.util.stream.IntStream.range(0, 64).mapToLong(r::ttfb).sum()).sum()).isEqualTo(30);
        long errors = rows.stream().mapToLong(LogStore.AggregateRow::errors).sum();
        double cost = rows.stream().mapToDouble(LogStore.AggregateRow::costUsd).sum();
        assertThat(requests).isEqualTo(30);
        assertThat(errors).isEqualTo(3);
        assertThat(cost).isCloseTo(0.465 - 0.060, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(rows).allMatch(r -> r.bucket() % 600_000L == 0);
        assertThat(rows.stream().filter(r -> "support".equals(r.group())).mapToLong(LogStore.AggregateRow::requests).sum()).isEqualTo(10);
        List<LogStore.AggregateRow> byUser = store.aggregate(LogFilter.ALL, 3_600_000L, "metadata.user");
        assertThat(byUser.stream().filter(r -> "u0".equals(r.group())).mapToLong(LogStore.AggregateRow::requests).sum()).isEqualTo(6);
    }

    @Test
    void rollupEqualsARecomputationFromTheRecordsAfterEveryChange() {
        new RollupCheck(store).run();
    }

    @Test
    void retentionByAgeAndCount() {
        store.append("node-a", 30, sample());
        assertThat(store.retain("chat", T0 + 10 * 60_000L, null)).isEqualTo(6); // 1,2,4,5,7,8
        assertThat(store.retain("chat", null, 5L)).isEqualTo(9);
        assertThat(ids(filter().route("chat").build())).containsExactlyInAnyOrder("id-029", "id-028", "id-026", "id-025", "id-023");
        assertThat(store.count("support")).isEqualTo(10);
    }

    private List<String> ids(LogFilter f) {
        return store.list(f, LogStore.Sort.TIME, false, null, 1000).logs().stream().map(StoredLog::logId).toList();
    }

    private static int num(String id) {
        return Integer.parseInt(id.substring(3));
    }

    static FilterBuilder filter() {
        return new FilterBuilder();
    }

    /** Builds a {@link LogFilter} one field at a time. */
    static final class FilterBuilder {
        Long from;
        Long to;
        String route;
        String provider;
        String model;
        Integer status;
        Boolean success;
        String metaKey;
        String metaValue;
        String logId;
        String eventId;
        Double minCost;
        Double minDuration;

        FilterBuilder route(String v) { route = v; return this; }
        FilterBuilder provider(String v) { provider = v; return this; }
        FilterBuilder model(String v) { model = v; return this; }
        FilterBuilder status(int v) { status = v; return this; }
        FilterBuilder success(boolean v) { success = v; return this; }
        FilterBuilder meta(String k, String v) { metaKey = k; metaValue = v; return this; }
        FilterBuilder logId(String v) { logId = v; return this; }
        FilterBuilder eventId(String v) { eventId = v; return this; }
        FilterBuilder minCost(double v) { minCost = v; return this; }
        FilterBuilder minDuration(double v) { minDuration = v; return this; }
        FilterBuilder time(long f, long t) { from = f; to = t; return this; }

        LogFilter build() {
            return new LogFilter(from, to, route, provider, model, status, success, null, metaKey, metaValue, logId,
                    eventId, minCost, minDuration);
        }
    }

    /** Flow, experiment and prompt facts of a spool line group analytics from the store as they do in memory. */
    @Test
    void aRecordsFlowAndExperimentAreGroupDimensions() {
        String a = "{\"seq\":1,\"log_id\":\"f-1\",\"created_at\":\"2026-01-01T00:01:00Z\",\"route\":\"chat\",\"status\":200,"
                + "\"success\":true,\"duration_ms\":5,\"metadata\":{\"user\":\"u1\"},\"flow\":\"plan\",\"flow_version\":2,"
                + "\"flow_branch\":\"m1\",\"experiment\":\"tone\",\"arm\":\"brief\",\"prompt\":\"support\",\"prompt_version\":3}";
        String b = "{\"seq\":2,\"log_id\":\"f-2\",\"created_at\":\"2026-01-01T00:02:00Z\",\"route\":\"chat\",\"status\":200,"
                + "\"success\":true,\"duration_ms\":5}";
        List<StoredLog> rows = new ArrayList<>();
        for (String line : List.of(a, b)) {
            rows.add(((SpoolLines.Request) SpoolLines.parse(line.getBytes(java.nio.charset.StandardCharsets.UTF_8), "node-a")).log());
        }
        store.append("node-a", 2, rows);
        assertThat(groups("flow")).containsExactly("plan");
        assertThat(groups("flow_version")).containsExactly("plan@2");
        assertThat(groups("flow_branch")).containsExactly("plan@2/m1");
        assertThat(groups("metadata.fairway.experiment.tone")).containsExactly("brief");
        assertThat(groups("metadata.fairway.prompt")).containsExactly("support@3");
        assertThat(groups("metadata.user")).containsExactly("u1");
    }

    private List<String> groups(String groupBy) {
        return store.aggregate(LogFilter.ALL, 3_600_000L, groupBy).stream()
                .map(LogStore.AggregateRow::group).distinct().toList();
    }
}
