package dev.fairway.logstore;

import java.sql.PreparedStatement;
import java.sql.ResultSet;

/** Deletes a route's records by age and beyond a count of the newest. */
final class Retention {
    private Retention() {}

    /**
     * Deletes the selected records and their lines, and subtracts them from the analytics rollup in
     * the same transaction; returns how many records.
     */
    private static int delete(java.sql.Connection c, Dialect dialect, String where, Object... params) throws java.sql.SQLException {
        RollupDeltas rollup = new RollupDeltas(dialect);
        try (PreparedStatement ps = c.prepareStatement("SELECT " + JdbcLogStore.COLUMNS + " FROM fairway_logs WHERE " + where)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rollup.add(Rows.read(rs, false), -1);
                }
            }
        }
        rollup.flush(c);
        try (PreparedStatement meta = c.prepareStatement("DELETE FROM " + MetaIndex.TABLE + " WHERE log_id IN"
                + " (SELECT log_id FROM fairway_logs WHERE " + where + ")");
             PreparedStatement lines = c.prepareStatement("DELETE FROM fairway_log_records WHERE log_id IN"
                + " (SELECT log_id FROM fairway_logs WHERE " + where + ")");
             PreparedStatement rows = c.prepareStatement("DELETE FROM fairway_logs WHERE " + where)) {
            for (int i = 0; i < params.length; i++) {
                meta.setObject(i + 1, params[i]);
                lines.setObject(i + 1, params[i]);
                rows.setObject(i + 1, params[i]);
            }
            meta.executeUpdate();
            lines.executeUpdate();
            return rows.executeUpdate();
        }
    }

    static int apply(JdbcLogStore store, String route, Long olderThan, Long keepNewest) {
        return store.tx(c -> {
            int deleted = 0;
            if (olderThan != null) {
                deleted += delete(c, store.dialect(), "route = ? AND created_at < ?", route, olderThan);
            }
            if (keepNewest != null) {
                Long boundary = null;
                String boundaryId = null;
                try (PreparedStatement ps = c.prepareStatement("SELECT created_at, log_id FROM fairway_logs WHERE route = ?"
                        + " ORDER BY created_at DESC, log_id DESC LIMIT 1 OFFSET ?")) {
                    ps.setString(1, route);
                    ps.setLong(2, keepNewest - 1);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            boundary = rs.getLong(1);
                            boundaryId = rs.getString(2);
                        }
                    }
                }
                if (boundary != null) {
                    deleted += delete(c, store.dialect(), "route = ? AND (created_at < ? OR (created_at = ? AND log_id < ?))",
                            route, boundary, boundary, boundaryId);
                }
            }
            return deleted;
        });
    }
}
