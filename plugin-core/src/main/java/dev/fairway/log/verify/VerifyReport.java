package dev.fairway.log.verify;

import java.util.List;

/**
 * What {@link LogVerifier} found. The chain is intact when nothing is missing, reordered, altered or
 * otherwise wrong.
 *
 * @param records records read
 * @param firstSeq the lowest sequence number seen (1 when the chain is complete from its start), or 0
 * @param lastSeq the highest sequence number seen, or 0
 * @param missing gaps in the sequence, each with whatever ids its neighbours tell
 * @param reordered log ids of records found out of sequence order
 * @param altered log ids (or locations, for unreadable lines) of records whose bytes changed
 * @param problems anything else: unreadable objects, manifests that disagree, duplicates
 */
public record VerifyReport(long records, long firstSeq, long lastSeq, List<Missing> missing, List<String> reordered,
                           List<String> altered, List<String> problems) {

    public VerifyReport {
        missing = List.copyOf(missing);
        reordered = List.copyOf(reordered);
        altered = List.copyOf(altered);
        problems = List.copyOf(problems);
    }

    public boolean intact() {
        return missing.isEmpty() && reordered.isEmpty() && altered.isEmpty() && problems.isEmpty();
    }

    /**
     * Records {@code fromSeq..toSeq} are absent.
     *
     * @param lastMissingId the log id of the record at {@code toSeq}, as its successor names it; null when unknown
     * @param beforeId the log id of the record just before the gap, or null
     * @param afterId the log id of the record just after the gap, or null
     */
    public record Missing(long fromSeq, long toSeq, String lastMissingId, String beforeId, String afterId) {}

    /** A human-readable account, one finding per line. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(intact() ? "chain intact" : "chain BROKEN").append(": ").append(records).append(" records");
        if (records > 0) {
            sb.append(", seq ").append(firstSeq).append("..").append(lastSeq);
            if (firstSeq > 1) {
                sb.append(" (earlier records not in this source)");
            }
        }
        sb.append('\n');
        for (Missing m : missing) {
            sb.append("missing: seq ").append(m.fromSeq());
            if (m.toSeq() != m.fromSeq()) {
                sb.append("..").append(m.toSeq());
            }
            if (m.lastMissingId() != null) {
                sb.append(" (log id of seq ").append(m.toSeq()).append(": ").append(m.lastMissingId()).append(')');
            }
            sb.append(" between ").append(m.beforeId()).append(" and ").append(m.afterId()).append('\n');
        }
        reordered.forEach(id -> sb.append("reordered: ").append(id).append('\n'));
        altered.forEach(id -> sb.append("altered: ").append(id).append('\n'));
        problems.forEach(p -> sb.append("problem: ").append(p).append('\n'));
        return sb.toString();
    }
}
