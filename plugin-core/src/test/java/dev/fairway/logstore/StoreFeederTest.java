package dev.fairway.logstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fairway.lifecycle.IdleGate;
import dev.fairway.lifecycle.IdleSchedulingTest;
import dev.fairway.log.spool.Spool;
import dev.fairway.log.spool.SpoolWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store is fed from the spool: restarts and rebuilds neither lose nor duplicate records. */
class StoreFeederTest {
    static final long T0 = 1_767_225_600_000L;
    @TempDir
    Path dir;

    @Test
    void aRestartedFeederContinuesWhereTheStoreStandsAndARebuiltStoreGetsEverythingOnce() throws Exception {
        Path spoolDir = dir.resolve("spool");
        try (Spool spool = Spool.open(spoolDir, 4096, 60_000, Clock.systemUTC());
             SpoolWriter writer = new SpoolWriter(spool, 1024, 64L << 20, SpoolWriter.Fsync.ALWAYS, 1000, Clock.systemUTC(), () -> { })) {
            try (LogStore store = LogStores.sqlite(dir.resolve("a.db"), 2)) {
                StoreFeeder feeder = new StoreFeeder(spoolDir, store, "n1", 7, 20, RouteRetention.none(), 100);
                for (int i = 0; i < 60; i++) {
                    writer.submit(FakeRecords.request("r" + i, "chat", T0 + i));
                }
                writer.flush(false).join();
                await("60 fed", () -> feeder.position() == 60);
                feeder.close();
                // Written while no feeder runs (a crash, a restart): picked up from the stored position.
                for (int i = 60; i < 100; i++) {
                    writer.submit(FakeRecords.request("r" + i, "chat", T0 + i));
                }
                writer.flush(true).join(); // also rolls: the feeder must cross segments
                StoreFeeder again = new StoreFeeder(spoolDir, store, "n1", 7, 20, RouteRetention.none(), 100);
                await("100 fed", () -> again.position() == 100);
                again.close();
                assertThat(store.count("chat")).isEqualTo(100);
                assertThat(again.fed()).isEqualTo(40);
            }
            // A store rebuilt from the spool (a new database) gets every record once.
            try (LogStore fresh = LogStores.sqlite(dir.resolve("b.db"), 2)) {
                // A tight CPU budget slows the rebuild down, and still loses nothing.
                StoreFeeder rebuild = new StoreFeeder(spoolDir, fresh, "n1", 500, 20, RouteRetention.none(), 5);
                await("rebuilt", () -> rebuild.position() == 100);
                rebuild.close();
                assertThat(fresh.count("chat")).isEqualTo(100);
                assertThat(fresh.get("r42")).isPresent();
            }
        }
    }

    @Test
    void stopInsertingKeepsTheFirstRecordsAndDeleteOldestTheNewest() throws Exception {
        Path spoolDir = dir.resolve("spool");
        try (Spool spool = Spool.open(spoolDir, 1 << 20, 60_000, Clock.systemUTC());
             SpoolWriter writer = new SpoolWriter(spool, 1024, 64L << 20, SpoolWriter.Fsync.ALWAYS, 1000, Clock.systemUTC(), () -> { });
             LogStore store = LogStores.sqlite(dir.resolve("c.db"), 2)) {
            RouteRetention retention = new RouteRetention(route -> switch (route) {
                case "full" -> new dev.fairway.config.RetentionSettings(null, 5L, "stop_inserting");
                case "rolling" -> new dev.fairway.config.RetentionSettings(null, 5L, "delete_oldest");
                default -> null;
            }, Clock.systemUTC());
            StoreFeeder feeder = new StoreFeeder(spoolDir, store, "n1", 500, 20, retention, 100);
            for (int i = 0; i < 12; i++) {
                writer.submit(FakeRecords.request("f" + i, "full", T0 + i));
                writer.submit(FakeRecords.request("o" + i, "rolling", T0 + i));
                writer.submit(FakeRecords.request("k" + i, "kept", T0 + i));
            }
            writer.flush(false).join();
            await("fed", () -> feeder.position() == 36);
            feeder.close();
            assertThat(store.count("full")).isEqualTo(5);
            assertThat(store.get("f0")).isPresent();
            assertThat(store.get("f11")).isEmpty();
            assertThat(store.count("rolling")).isEqualTo(5);
            assertThat(store.get("o11")).isPresent();
            assertThat(store.get("o0")).isEmpty();
            assertThat(store.count("kept")).isEqualTo(12);
        }
    }

    @Test
    void largeReadsThenSmallOnesStoreEveryLineAsWritten() throws Exception {
        // 400 streamed answers' lines (about 5 MiB) written before the feeder starts: reads of up to
        // 4 MiB through the kept buffer, the last one shorter than the one before (stale bytes after
        // it); then lines one at a time: small reads that let the kept buffer go.
        Path spoolDir = dir.resolve("spool");
        java.util.Map<String, byte[]> written = new java.util.concurrent.ConcurrentHashMap<>();
        try (Spool spool = Spool.open(spoolDir, 64L << 20, 60_000, Clock.systemUTC());
             SpoolWriter writer = new SpoolWriter(spool, 1024, 64L << 20, SpoolWriter.Fsync.NEVER, 1000, Clock.systemUTC(), () -> { });
             LogStore store = LogStores.sqlite(dir.resolve("d.db"), 2)) {
            for (int i = 1; i <= 410; i++) {
                if (i == 401) {
                    writer.flush(false).join();
                    StoreFeeder feeder = new StoreFeeder(spoolDir, store, "n1", 500, 20, RouteRetention.none(), 100);
                    try {
                        await("400 fed", () -> feeder.position() == 400);
                        for (int j = 401; j <= 410; j++) {
                            writer.submit(streamed(j, written));
                            writer.flush(false).join();
                            long seq = j;
                            await(j + " fed", () -> feeder.position() == seq);
                        }
                    } finally {
                        feeder.close();
                    }
                    break;
                }
                writer.submit(streamed(i, written));
            }
            assertThat(written).hasSize(410);
            for (var e : written.entrySet()) {
                assertThat(store.get(e.getKey()).orElseThrow().record()).as(e.getKey()).isEqualTo(e.getValue());
            }
        }
    }

    @Test
    void aBacklogOfLargeLinesIsStoredInTransactionsOverSeveralReadsEachBatchAtMostBatchBytes() throws Exception {
        // 150 streamed answers' lines (about 1.8 MiB) waiting when the feeder starts, with 500
        // records allowed per transaction: the lines held from the read to their statement batch stay
        // within BATCH_BYTES (plus the line that reached it), so they are not promoted to the old
        // generation, while one transaction takes in several reads (READ_MAX each), since what a
        // commit writes besides the records costs the same however many it holds.
        Path spoolDir = dir.resolve("spool");
        java.util.Map<String, byte[]> written = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.List<Long> added = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.List<java.util.List<Long>> committed = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Spool spool = Spool.open(spoolDir, 64L << 20, 60_000, Clock.systemUTC());
             SpoolWriter writer = new SpoolWriter(spool, 1024, 64L << 20, SpoolWriter.Fsync.NEVER, 1000, Clock.systemUTC(), () -> { });
             LogStore sqlite = LogStores.sqlite(dir.resolve("d.db"), 2)) {
            writeStreamed(writer, 150, written);
            LogStore store = watched(sqlite, "openAppend", args -> { }, append -> new LogStore.Append() {
                private final java.util.List<Long> adds = new java.util.ArrayList<>();

                @Override
                public int add(long lastSeq, java.util.List<StoredLog> records) {
                    long bytes = records.stream().mapToLong(r -> r.record().length).sum();
                    adds.add(bytes);
                    added.add(bytes);
                    return append.add(lastSeq, records);
                }

                @Override
                public void commit() {
                    append.commit();
                    committed.add(java.util.List.copyOf(adds));
                }

                @Override
                public void close() {
                    append.close();
                }
            });
            try (StoreFeeder feeder = new StoreFeeder(spoolDir, store, "n1", 500, 20, RouteRetention.none(), 100)) {
                await("150 fed", () -> feeder.position() == 150);
            }
            long line = written.values().stream().mapToLong(b -> b.length).max().orElseThrow();
            assertThat(added).hasSizeGreaterThanOrEqualTo(2)
                    .allSatisfy(bytes -> assertThat(bytes).isLessThan(StoreFeeder.BATCH_BYTES + line));
            assertThat(committed).as("a transaction spans several reads")
                    .anySatisfy(adds -> assertThat(adds.stream().mapToLong(Long::longValue).sum()).isGreaterThan(StoreFeeder.READ_MAX))
                    .allSatisfy(adds -> assertThat(adds.stream().mapToLong(Long::longValue).sum()).isLessThan(StoreFeeder.TX_BYTES + line));
            for (var e : written.entrySet()) {
                assertThat(sqlite.get(e.getKey()).orElseThrow().record()).as(e.getKey()).isEqualTo(e.getValue());
            }
        }
    }

    @Test
    void anErasureAmidABacklogIsAppliedAfterTheRecordsBeforeItAndTheRestIsStored() throws Exception {
        // A transaction spans several reads, and an erasure is a write of its own: the records before
        // it must be committed first (a delete waiting for the feeder's own open transaction would
        // wait out SQLite's busy timeout and fail, again and again), and those after it stored.
        Path spoolDir = dir.resolve("spool");
        try (Spool spool = Spool.open(spoolDir, 64L << 20, 60_000, Clock.systemUTC());
             SpoolWriter writer = new SpoolWriter(spool, 1024, 64L << 20, SpoolWriter.Fsync.NEVER, 1000, Clock.systemUTC(), () -> { });
             LogStore store = LogStores.sqlite(dir.resolve("t.db"), 2)) {
            for (int i = 0; i < 40; i++) {
                writer.submit(FakeRecords.request("a" + i, "chat", T0 + i, 20 << 10));
            }
            writer.submit(FakeRecords.tombstone("t1", java.util.List.of("a3", "a30")));
            for (int i = 0; i < 40; i++) {
                writer.submit(FakeRecords.request("b" + i, "chat", T0 + 100 + i, 20 << 10));
            }
            writer.flush(false).join();
            try (StoreFeeder feeder = new StoreFeeder(spoolDir, store, "n1", 500, 20, RouteRetention.none(), 100)) {
                await("81 fed", () -> feeder.position() == 81);
                assertThat(feeder.failures()).isZero();
            }
            assertThat(store.count("chat")).isEqualTo(78);
            assertThat(store.get("a3")).isEmpty();
            assertThat(store.get("a30")).isEmpty();
            assertThat(store.get("a29")).isPresent();
            assertThat(store.get("b39")).isPresent();
        }
    }

    @Test
    void aFailedTransactionIsRolledBackAndItsRecordsStoredOnceOnTheRetry() throws Exception {
        // A transaction now spans several reads: when it fails, what the earlier reads added must not
        // count as stored (the position stays), and the retry reads it again from the stored position.
        Path spoolDir = dir.resolve("spool");
        java.util.Map<String, byte[]> written = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicInteger adds = new java.util.concurrent.atomic.AtomicInteger();
        try (Spool spool = Spool.open(spoolDir, 64L << 20, 60_000, Clock.systemUTC());
             SpoolWriter writer = new SpoolWriter(spool, 1024, 64L << 20, SpoolWriter.Fsync.NEVER, 1000, Clock.systemUTC(), () -> { });
             LogStore sqlite = LogStores.sqlite(dir.resolve("r.db"), 2)) {
            writeStreamed(writer, 150, written);
            LogStore store = watched(sqlite, "openAppend", args -> { }, append -> new LogStore.Append() {
                @Override
                public int add(long lastSeq, java.util.List<StoredLog> records) {
                    if (adds.incrementAndGet() == 3) {
                        throw new StoreException("the database went away", null);
                    }
                    return append.add(lastSeq, records);
                }

                @Override
                public void commit() {
                    append.commit();
                }

                @Override
                public void close() {
                    append.close();
                }
            });
            try (StoreFeeder feeder = new StoreFeeder(spoolDir, store, "n1", 500, 20, RouteRetention.none(), 100)) {
                await("150 fed", () -> feeder.position() == 150);
                assertThat(feeder.failures()).isEqualTo(1);
                assertThat(feeder.fed()).as("each record counted once").isEqualTo(150);
            }
            assertThat(sqlite.aggregate(LogFilter.ALL, 3_600_000L, null).stream()
                    .mapToLong(LogStore.AggregateRow::requests).sum()).as("the rollup counts each once").isEqualTo(150);
            for (var e : written.entrySet()) {
                assertThat(sqlite.get(e.getKey()).orElseThrow().record()).as(e.getKey()).isEqualTo(e.getValue());
            }
        }
    }

    /**
     * {@code store} with each call of {@code method} shown to {@code onCall} first, and the
     * {@link LogStore.Append}s it opens wrapped by {@code wrap}.
     */
    private static LogStore watched(LogStore store, String method, java.util.function.Consumer<Object[]> onCall,
            java.util.function.UnaryOperator<LogStore.Append> wrap) {
        return (LogStore) java.lang.reflect.Proxy.newProxyInstance(LogStore.class.getClassLoader(),
                new Class<?>[] {LogStore.class}, (proxy, m, args) -> {
                    if (m.getName().equals(method)) {
                        onCall.accept(args);
                    }
                    try {
                        Object result = m.invoke(store, args);
                        return result instanceof LogStore.Append a ? wrap.apply(a) : result;
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void aLineLongerThanOneReadIsStoredAndTheRecordsAfterItToo() throws Exception {
        // max_payload_bytes has no upper bound: a record logging two large bodies is one line longer
        // than a read (READ_MAX). The feeder found no complete line in its read and never moved on.
        Path spoolDir = dir.resolve("spool");
        int payload = 3 * StoreFeeder.READ_MAX / 2 + (1 << 20);
        try (Spool spool = Spool.open(spoolDir, 64L << 20, 60_000, Clock.systemUTC());
             SpoolWriter writer = new SpoolWriter(spool, 1024, 64L << 20, SpoolWriter.Fsync.NEVER, 1000, Clock.systemUTC(), () -> { });
             LogStore store = LogStores.sqlite(dir.resolve("e.db"), 2)) {
            writer.submit(FakeRecords.request("before", "chat", T0));
            writer.submit(FakeRecords.request("large", "chat", T0 + 1, payload));
            writer.submit(FakeRecords.request("after", "chat", T0 + 2));
            writer.flush(false).join();
            try (StoreFeeder feeder = new StoreFeeder(spoolDir, store, "n1", 500, 20, RouteRetention.none(), 100)) {
                await("3 fed", () -> feeder.position() == 3);
            }
            assertThat(store.count("chat")).isEqualTo(3);
            assertThat(store.get("large").orElseThrow().record()).hasSizeGreaterThan(payload);
            assertThat(store.get("after")).isPresent();
        }
    }

    @Test
    void whatWasReadIsStoredBeforeTheFeederPausesForItsCpuBudget() throws Exception {
        // Lines held through a pause (up to a second) live through young collections and are promoted.
        Path spoolDir = dir.resolve("spool");
        java.util.List<Long> storedAtPause = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Spool spool = Spool.open(spoolDir, 1 << 20, 60_000, Clock.systemUTC());
             SpoolWriter writer = new SpoolWriter(spool, 1024, 64L << 20, SpoolWriter.Fsync.NEVER, 1000, Clock.systemUTC(), () -> { });
             LogStore store = LogStores.sqlite(dir.resolve("f.db"), 2)) {
            for (int i = 0; i < 20; i++) {
                writer.submit(FakeRecords.request("p" + i, "chat", T0 + i));
            }
            writer.flush(false).join();
            // 1 % of a core: every read is followed by a pause.
            try (StoreFeeder feeder = new StoreFeeder(spoolDir, store, "n1", 500, 20, RouteRetention.none(), 1,
                    nanos -> storedAtPause.add(store.count("chat")), null, FeedBudget.BACKLOG_LIMIT)) {
                await("20 fed", () -> feeder.position() == 20);
            }
            assertThat(storedAtPause).isNotEmpty().allSatisfy(n -> assertThat(n).isEqualTo(20L));
        }
    }

    @Test
    void whileItKeepsUpTheFeederWaitsForIdleCpuAndStoresAtOrdinaryPriority() throws Exception {
        // An ordinary feeder thread held a CPU for its whole slice when a request thread woke: the p90
        // of a single-connection load was a millisecond with the store on, a quarter of that with it off.
        // Feeding from a thread in the idle class fixed that, but such a thread, preempted inside its
        // transaction, kept the store's other writers (PATCH and DELETE /logs) out for seconds under load.
        assumeTrue(IdleSchedulingTest.linuxWithForeignFunctions(), "SCHED_IDLE needs Linux and JDK 22+");
        IdleGate idle = IdleGate.start("fairway-test-idle").orElseThrow();
        java.util.concurrent.atomic.AtomicInteger waits = new java.util.concurrent.atomic.AtomicInteger();
        StoreFeeder.Gate gate = new StoreFeeder.Gate() {
            @Override
            public boolean await(long timeoutNanos) throws InterruptedException {
                waits.incrementAndGet();
                return idle.await(timeoutNanos);
            }

            @Override
            public void close() {
                idle.close();
            }
        };
        java.util.List<String> appendedBy = storedBy(FeedBudget.BACKLOG_LIMIT, 20, 100, gate);
        assertThat(waits.get()).as("waits for an idle CPU").isPositive();
        assertThat(idle.grants()).isPositive();
        assertThat(appendedBy).isNotEmpty().allSatisfy(by -> assertThat(by).isEqualTo("fairway-log-store policy 0"));
    }

    @Test
    void aFeederBehindFeedsWithoutWaitingForIdleCpu() throws Exception {
        // The idle class gets no CPU while the machine is busy: past the limit the feeder must not wait for idle time.
        // 40 records of 20 KiB: more than one read, so a read leaves a backlog past the limit of 1 byte.
        StoreFeeder.Gate busy = timeout -> {
            Thread.sleep(Duration.ofNanos(timeout));
            return false;
        };
        java.util.List<String> appendedBy = storedBy(1, 40, 20 << 10, busy);
        assertThat(appendedBy).isNotEmpty().allSatisfy(by -> assertThat(by).isEqualTo("fairway-log-store policy 0"));
    }

    @Test
    void aBacklogInSegmentsAfterTheOneBeingReadPutsTheFeederBehind() throws Exception {
        // Each record in a segment of its own: the segment being read has nothing unread, the backlog
        // is all in the closed segments after it (measured once each) and the newest.
        StoreFeeder.Gate busy = timeout -> {
            Thread.sleep(Duration.ofNanos(timeout));
            return false;
        };
        java.util.List<String> appendedBy = storedBy(1, 256, 12, 20 << 10, busy);
        assertThat(appendedBy).isNotEmpty().allSatisfy(by -> assertThat(by).isEqualTo("fairway-log-store policy 0"));
        try (var files = java.nio.file.Files.list(dir.resolve("spool"))) {
            assertThat(files.filter(f -> f.getFileName().toString().startsWith("seg-")).count()).isGreaterThan(12);
        }
    }

    /**
     * Which thread (and scheduling policy) stored each batch of {@code count} records of
     * {@code payloadBytes}, written once the feeder has stored a first record and so measured its backlog.
     */
    private java.util.List<String> storedBy(long backlogLimit, int count, int payloadBytes, StoreFeeder.Gate gate) throws Exception {
        return storedBy(backlogLimit, 8 << 20, count, payloadBytes, gate);
    }

    /** As above, in segments of {@code segmentBytes}, each record written on its own (so a small segment holds one). */
    private java.util.List<String> storedBy(long backlogLimit, long segmentBytes, int count, int payloadBytes, StoreFeeder.Gate gate)
            throws Exception {
        Path spoolDir = dir.resolve("spool");
        java.util.List<String> appendedBy = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Spool spool = Spool.open(spoolDir, segmentBytes, 60_000, Clock.systemUTC());
             SpoolWriter writer = new SpoolWriter(spool, 1024, 64L << 20, SpoolWriter.Fsync.NEVER, 1000, Clock.systemUTC(), () -> { });
             LogStore store = LogStores.sqlite(dir.resolve("f.db"), 2)) {
            LogStore watched = watched(store, "openAppend",
                    args -> appendedBy.add(Thread.currentThread().getName() + " policy " + IdleSchedulingTest.policyOfCurrentThread()),
                    append -> append);
            try (StoreFeeder feeder = new StoreFeeder(spoolDir, watched, "n1", 5, 20, RouteRetention.none(), 25,
                    nanos -> Thread.sleep(Duration.ofNanos(nanos)), gate, backlogLimit)) {
                writer.submit(FakeRecords.request("first", "chat", T0));
                writer.flush(false).join();
                await("the first record fed", () -> feeder.position() == 1);
                appendedBy.clear();
                for (int i = 0; i < count; i++) {
                    writer.submit(FakeRecords.request("p" + i, "chat", T0 + i, payloadBytes));
                    writer.flush(false).join();
                }
                await("all fed", () -> feeder.position() == count + 1);
            }
            assertThat(store.count("chat")).isEqualTo(count + 1L);
        }
        return appendedBy;
    }

    /** {@code n} streamed answers' lines ({@link #streamed}) written to the spool. */
    private static void writeStreamed(SpoolWriter writer, int n, java.util.Map<String, byte[]> written) {
        for (int i = 1; i <= n; i++) {
            writer.submit(streamed(i, written));
        }
        writer.flush(false).join();
    }

    /** A streamed answer's line whose log id is {@code "s" + i}, kept in {@code written} as rendered. */
    private static dev.fairway.log.spool.SpoolRecord streamed(int i, java.util.Map<String, byte[]> written) {
        return new dev.fairway.log.spool.SpoolRecord() {
            @Override
            public byte[] render(Link link) {
                String line = new String(StoreBench.streamLine((int) link.seq(), T0 + i, new java.util.SplittableRandom(i)),
                        java.nio.charset.StandardCharsets.UTF_8).replace("\"log_id\":\"log-" + link.seq() + "\"",
                        "\"log_id\":\"s" + i + "\"");
                byte[] bytes = line.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                written.put("s" + i, bytes);
                return bytes;
            }

            @Override
            public String logId() {
                return "s" + i;
            }
        };
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting for " + what);
            }
            Thread.sleep(10);
        }
    }
}
