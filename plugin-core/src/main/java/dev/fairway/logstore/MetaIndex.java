package dev.fairway.logstore;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The metadata key/value side table ({@code fairway_log_meta}): one row per top-level metadata key
 * of a record, indexed by (key, value), so that a {@code metadata.<key>=<value>} filter reads the
 * matching log ids instead of parsing the JSON of every record in range. It only narrows: the
 * filter keeps the dialect's JSON comparison, so results stay exactly what the JSON says.
 */
final class MetaIndex {
    static final String TABLE = "fairway_log_meta";
    private static final JsonFactory JSON = new JsonFactory();
    static final String INSERT = "INSERT INTO " + TABLE + " (log_id, meta_key, meta_value) VALUES (?, ?, ?)"
            + " ON CONFLICT (log_id, meta_key) DO NOTHING";

    private MetaIndex() {}

    static List<String> ddl() {
        return List.of("CREATE TABLE IF NOT EXISTS " + TABLE + " (log_id VARCHAR(128) NOT NULL, meta_key TEXT NOT NULL,"
                        + " meta_value TEXT NOT NULL, PRIMARY KEY (log_id, meta_key))",
                "CREATE INDEX IF NOT EXISTS fairway_log_meta_kv ON " + TABLE + " (meta_key, meta_value, log_id)");
    }

    /** The condition (on fairway_logs) for key and value, with the key and value bound in that order. */
    static String candidates() {
        return "log_id IN (SELECT log_id FROM " + TABLE + " WHERE meta_key = ? AND meta_value = ?)";
    }

    /**
     * The top-level keys with the text of their scalar value (a number as written); objects, arrays
     * and nulls are left out, and a record that is not a JSON object has no rows.
     */
    static Map<String, String> entries(String metadata) {
        Map<String, String> out = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(metadata)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return out;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken t = p.nextToken();
                if (t.isScalarValue() && t != JsonToken.VALUE_NULL) {
                    out.put(key, p.getText());
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            // Metadata the gateway wrote is a JSON object; anything else is only unindexed (the
            // JSON comparison in the filter still decides), so the record is not refused for it.
            out.clear();
        }
        return out;
    }

    static void insert(Connection c, List<StoredLog> records) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            insert(ps, records);
        }
    }

    /** Indexes the metadata of {@code records} through {@code ps}, a statement of {@link #INSERT}. */
    static void insert(PreparedStatement ps, List<StoredLog> records) throws SQLException {
        int n = 0;
        for (StoredLog r : records) {
            n += add(ps, r.logId(), r.metadata());
        }
        if (n > 0) {
            ps.executeBatch();
        }
    }

    /** After a PATCH replaced a record's metadata. */
    static void replace(Connection c, String logId, String metadata) throws SQLException {
        try (PreparedStatement del = c.prepareStatement("DELETE FROM " + TABLE + " WHERE log_id = ?");
             PreparedStatement ps = c.prepareStatement(INSERT)) {
            del.setString(1, logId);
            del.executeUpdate();
            if (add(ps, logId, metadata) > 0) {
                ps.executeBatch();
            }
        }
    }

    private static int add(PreparedStatement ps, String logId, String metadata) throws SQLException {
        int n = 0;
        for (Map.Entry<String, String> e : entries(metadata).entrySet()) {
            ps.setString(1, logId);
            ps.setString(2, e.getKey());
            ps.setString(3, e.getValue());
            ps.addBatch();
            n++;
        }
        return n;
    }
}
