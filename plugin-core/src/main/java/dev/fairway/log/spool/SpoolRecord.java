package dev.fairway.log.spool;

/** A record waiting for its place in the chain: rendered by the writer once seq and predecessor are known. */
public interface SpoolRecord {
    /**
     * The record's canonical line (UTF-8 JSON, no newline). The hash chain is computed over exactly
     * these bytes, so they must not depend on anything but the arguments and the record itself.
     */
    byte[] render(Link link);

    /**
     * Appends the same bytes as {@link #render(Link)} to {@code out}. The writer renders every
     * record this way into one reused line; a record type that writes there directly spares the
     * array {@link #render(Link)} returns and the copy out of it (a stream's record is ~18 KB).
     */
    default void render(Link link, Line out) {
        byte[] line = render(link);
        out.write(line, 0, line.length);
    }

    /** The log id the next record will name as its predecessor. */
    String logId();

    /**
     * About how much heap the record holds while it waits for the writer: what the writer's queue
     * counts against its byte bound. Must not change while the record waits.
     */
    default long heldBytes() {
        return HELD_BASE_BYTES;
    }

    /** A record's fields other than its payloads: ids, route, model, usage, headers, metadata. */
    long HELD_BASE_BYTES = 1024;

    /**
     * Where a record sits in the chain.
     *
     * @param seq its sequence number, 1 for the first record a spool ever wrote
     * @param prevHash SHA-256 (hex) of the previous record's line, or {@link Chain#GENESIS}
     * @param prevId the previous record's log id, or null for the first
     * @param droppedBefore records lost to a full queue since the previous record was written
     */
    record Link(long seq, String prevHash, String prevId, long droppedBefore) {}
}
