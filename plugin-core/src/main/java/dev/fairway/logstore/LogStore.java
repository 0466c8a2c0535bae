package dev.fairway.logstore;

import java.util.List;
import java.util.Optional;

/**
 * Where request records are kept for reading: filtered lists, one record, feedback, erasure,
 * aggregates for analytics, retention. Fed from the spool ({@link StoreFeeder}), which stays the
 * durable write-ahead path: {@link #append} is idempotent by log id and moves the node's feed
 * position in the same transaction, so a crash or an outage between the two neither loses nor
 * duplicates a record. Implementations are thread-safe.
 */
public interface LogStore extends AutoCloseable {

    /** Sort orders of {@link #list}. */
    enum Sort { TIME, COST, DURATION }

    /**
     * Stores {@code records} (a record whose log id is already stored, or was erased, is skipped)
     * and records {@code lastSeq} as the node's feed position, atomically.
     *
     * @return how many records were new
     */
    int append(String node, long lastSeq, List<StoredLog> records);

    /**
     * An {@link #append} that spans several calls: one transaction that each {@link Append#add}
     * fills and {@link Append#commit} ends, so a caller with many records need not hold them all at
     * once to store them in one transaction. Until the commit nothing added is seen by others, and
     * on SQLite the store's other writes wait.
     */
    Append openAppend(String node);

    /** See {@link #openAppend}. Used by one thread; not reusable after its commit or close. */
    interface Append extends AutoCloseable {
        /**
         * Stores {@code records} as {@link #append} does and sets the node's feed position to
         * {@code lastSeq}, within the transaction; on a failure the transaction is rolled back and
         * the append is over.
         *
         * @return how many records were new
         */
        int add(long lastSeq, List<StoredLog> records);

        /** Makes what was added, and the last position, durable and visible together. */
        void commit();

        /** Rolls back what was added unless it was committed. */
        @Override
        void close();
    }

    /** The last sequence number of {@code node} stored, 0 before the first. */
    long position(String node);

    /** One page of records, newest (or largest) first unless {@code ascending}. */
    LogPage list(LogFilter filter, Sort sort, boolean ascending, LogPage.Cursor after, int limit);

    Optional<StoredLog> get(String logId);

    /**
     * Sets feedback, score and metadata (each when not null; metadata replaces the record's, as
     * Cloudflare's logs API does).
     *
     * @return false when no such record
     */
    boolean patch(String logId, Integer feedback, Integer score, String metadataJson);

    /**
     * Erases the selected records and remembers their ids, so a replay of the spool never brings
     * them back.
     *
     * @return the erased log ids
     */
    List<String> delete(LogFilter filter);

    /** Aggregates for analytics over [filter.from, filter.to) in buckets of {@code intervalMillis} (see {@link AggregateRow}). */
    List<AggregateRow> aggregate(LogFilter filter, long intervalMillis, String groupBy);

    /** Records stored for {@code route}. */
    long count(String route);

    /**
     * Deletes the route's records older than {@code olderThan} and, beyond the newest
     * {@code keepNewest}, the oldest ones (each when not null).
     *
     * @return records deleted
     */
    int retain(String route, Long olderThan, Long keepNewest);

    @Override
    void close();

    /**
     * The totals of one (time bucket, group) cell: request, cache, error, token, feedback and score
     * counters and both latency histograms (request counts per {@code analytics.LatencyHistogram}
     * bucket).
     *
     * @param group the group value, null when not grouped
     * @param cells the counters in {@code Cells} order (read them through the accessors)
     */
    record AggregateRow(long bucket, String group, long[] cells, double costUsd) {
        public long requests() { return cells[Cells.REQUESTS]; }
        public long cached() { return cells[Cells.CACHED]; }
        /** Answers from the semantic cache (a question of like meaning), part of {@link #cached()}. */
        public long semanticCached() { return cells[Cells.SEMANTIC]; }
        public long errors() { return cells[Cells.ERRORS]; }
        public long tokensIn() { return cells[Cells.TOKENS_IN]; }
        public long tokensOut() { return cells[Cells.TOKENS_OUT]; }
        public long tokensCached() { return cells[Cells.TOKENS_CACHED]; }
        /** Records with a thumbs up (feedback 1). */
        public long feedbackUp() { return cells[Cells.FEEDBACK_UP]; }
        /** Records with a thumbs down (feedback -1). */
        public long feedbackDown() { return cells[Cells.FEEDBACK_DOWN]; }
        /** The sum of the scores given, over {@link #scoreCount()} records. */
        public long scoreSum() { return cells[Cells.SCORE_SUM]; }
        public long scoreCount() { return cells[Cells.SCORE_COUNT]; }
        /** Requests in latency bucket {@code b} (0..63). */
        public long latency(int b) { return cells[Cells.LATENCY + b]; }
        /** Requests whose first byte came in bucket {@code b} (0..63). */
        public long ttfb(int b) { return cells[Cells.TTFB + b]; }
        public static int buckets() { return Cells.BUCKETS; }

        @Override
        public boolean equals(Object o) {
            return o instanceof AggregateRow r && r.bucket == bucket && java.util.Objects.equals(r.group, group)
                    && java.util.Arrays.equals(r.cells, cells) && Double.compare(r.costUsd, costUsd) == 0;
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(bucket, group, java.util.Arrays.hashCode(cells), costUsd);
        }

        @Override
        public String toString() {
            return "AggregateRow[" + bucket + ", " + group + ", " + java.util.Arrays.toString(cells) + ", " + costUsd + "]";
        }
    }
}
