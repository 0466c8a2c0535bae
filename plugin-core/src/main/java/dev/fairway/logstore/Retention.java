package dev.fairway.logstore;

import java.sql.PreparedStatement;
import java.sql.ResultSet;

/** Deletes a route's records by age and beyond a count of the newest. */
final class Retention {
    private Retention() {}

    static int apply(JdbcLogStore store, String route, Long olderThan, Long keepNewest) {
        return store.tx(c -> {
            int deleted = 0;
            if (olderThan != null) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM fairway_logs WHERE route = ? AND created_at < ?")) {
                    ps.setString(1, route);
                    ps.setLong(2, olderThan);
                    deleted += ps.executeUpdate();
                }
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
                    try (PreparedStatement ps = c.prepareStatement("DELETE FROM fairway_logs WHERE route = ? AND"
                            + " (created_at < ? OR (created_at = ? AND log_id < ?))")) {
                        ps.setString(1, route);
                        ps.setLong(2, boundary);
                        ps.setLong(3, boundary);
                        ps.setString(4, boundaryId);
                        deleted += ps.executeUpdate();
                    }
                }
            }
            return deleted;
        });
    }
}
