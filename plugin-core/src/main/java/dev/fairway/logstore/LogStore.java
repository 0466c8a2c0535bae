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
     * Totals of one cell: either counters of (bucket, group, latency bucket), with {@code ttfbBucket}
     * -2; or the request count of (bucket, group, ttfb bucket), with {@code latencyBucket} -2 and the
     * other counters 0. Every record is counted once in each kind.
     *
     * @param group the group value, null when not grouped
     */
    record AggregateRow(long bucket, String group, int latencyBucket, int ttfbBucket, long requests, long cached,
                        long errors, long tokensIn, long tokensOut, long tokensCached, double costUsd) {}
}
