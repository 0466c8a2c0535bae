package dev.fairway.logstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SQLite keeps a record's spool line deflated, and still reads the lines earlier versions kept as text. */
class RecordCodecTest {
    @TempDir
    Path dir;

    @Test
    void aStreamedAnswersLineIsKeptDeflatedAndReadBackExactly() throws Exception {
        Path file = dir.resolve("logs.db");
        byte[] line = StoreBench.streamLine(1, LogStoreContract.T0, new SplittableRandom(5));
        StoredLog row = ((SpoolLines.Request) SpoolLines.parse(line, "node-a")).log();
        try (LogStore store = LogStores.sqlite(file, 2)) {
            store.append("node-a", 1, List.of(row));
            assertThat(store.get(row.logId()).orElseThrow().record()).isEqualTo(new String(line, StandardCharsets.UTF_8));
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT typeof(record), length(record) FROM fairway_log_records")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("blob");
            assertThat(rs.getInt(2)).isLessThan(line.length / 4);
        }
    }

    @Test
    void aLineAnEarlierVersionKeptAsTextIsReadAsItWas() throws Exception {
        Path file = dir.resolve("logs.db");
        StoredLog row = TestRows.row("old-1", 1, LogStoreContract.T0, "chat", "openai", "m1", 200, 0.01, 10.0, "{}");
        try (LogStore store = LogStores.sqlite(file, 2)) {
            store.append("node-a", 1, List.of(row));
        }
        String asWritten = "{\"seq\":1,\"log_id\":\"old-1\",\"response_body\":\"data: {\\\"x\\\":\\\"été\\\"}\\n\\n\"}";
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             PreparedStatement ps = c.prepareStatement("UPDATE fairway_log_records SET record = ? WHERE log_id = 'old-1'")) {
            ps.setString(1, asWritten); // the previous layout: the line as TEXT
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        try (LogStore store = LogStores.sqlite(file, 2)) {
            assertThat(store.get("old-1").orElseThrow().record()).isEqualTo(asWritten);
            StoredLog next = TestRows.row("new-2", 2, LogStoreContract.T0 + 1, "chat", "openai", "m1", 200, 0.01, 10.0, "{}");
            store.append("node-a", 2, List.of(next));
            assertThat(store.get("new-2").orElseThrow().record()).isEqualTo(next.record());
        }
    }

    @Test
    void aDamagedRecordIsAnErrorNotAnotherText() throws Exception {
        Path file = dir.resolve("logs.db");
        StoredLog row = TestRows.row("bad-1", 1, LogStoreContract.T0, "chat", "openai", "m1", 200, 0.01, 10.0, "{}");
        try (LogStore store = LogStores.sqlite(file, 2)) {
            store.append("node-a", 1, List.of(row));
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("UPDATE fairway_log_records SET record = substr(record, 1, length(record) - 3)");
        }
        try (LogStore store = LogStores.sqlite(file, 2)) {
            assertThatThrownBy(() -> store.get("bad-1")).isInstanceOf(StoreException.class);
        }
    }
}
