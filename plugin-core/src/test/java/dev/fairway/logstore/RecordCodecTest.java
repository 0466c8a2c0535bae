package dev.fairway.logstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SQLite keeps a record's spool line as an LZ4 block after a format byte, and still reads the lines
 * earlier versions kept deflated or as text.
 */
class RecordCodecTest {
    @TempDir
    Path dir;

    @Test
    void aStreamedAnswersLineIsKeptCompressedAndReadBackExactly() throws Exception {
        Path file = dir.resolve("logs.db");
        byte[] line = StoreBench.streamLine(1, LogStoreContract.T0, new SplittableRandom(5));
        StoredLog row = ((SpoolLines.Request) SpoolLines.parse(line, "node-a")).log();
        try (LogStore store = LogStores.sqlite(file, 2)) {
            store.append("node-a", 1, List.of(row));
            assertThat(store.get(row.logId()).orElseThrow().record()).isEqualTo(line);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT typeof(record), length(record) FROM fairway_log_records")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("blob");
            assertThat(rs.getInt(2)).isLessThan(line.length / 4);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT record FROM fairway_log_records")) {
            rs.next();
            assertThat(rs.getBytes(1)[0]).isEqualTo(RecordCodec.LZ4_V1);
        }
    }

    @Test
    void everyKindOfLineSurvivesTheRoundTrip() throws Exception {
        SplittableRandom rnd = new SplittableRandom(7);
        StringBuilder large = new StringBuilder();
        while (large.length() < 3 << 20) {
            // Larger than any buffer, partly incompressible, so LZ4's worst case is exercised too.
            large.append("data: {\\\"n\\\":").append(rnd.nextLong()).append("}\\n\\n ");
        }
        byte[] random = new byte[70_000];
        rnd.nextBytes(random);
        List<byte[]> lines = List.of(
                StoreBench.streamLine(3, LogStoreContract.T0, new SplittableRandom(3)),
                StoreBench.floorLine(4, LogStoreContract.T0, new SplittableRandom(4), "{\"model\":\"m\"}", "{\"id\":\"x\"}", false),
                "{\"seq\":1,\"response_body\":\"été – 東京 – 😀, \\\"quoted\\\"\"}".getBytes(StandardCharsets.UTF_8),
                new byte[0],
                "x".getBytes(StandardCharsets.UTF_8),
                large.toString().getBytes(StandardCharsets.UTF_8),
                random);
        // One codec for all, as in an append: its buffer, grown by the large line, must not leak into the next.
        RecordCodec codec = new RecordCodec(Dialect.SQLITE);
        List<byte[]> twice = new ArrayList<>(lines);
        twice.addAll(lines.reversed());
        for (byte[] line : twice) {
            byte[] stored = codec.encode(line);
            assertThat(stored[0]).isEqualTo(RecordCodec.LZ4_V1);
            assertThat(RecordCodec.decode(stored)).isEqualTo(line);
        }
    }

    @Test
    void aLineAnEarlierVersionKeptDeflatedIsReadAsItWas() throws Exception {
        Path file = dir.resolve("logs.db");
        StoredLog row = TestRows.row("old-1", 1, LogStoreContract.T0, "chat", "openai", "m1", 200, 0.01, 10.0, "{}");
        try (LogStore store = LogStores.sqlite(file, 2)) {
            store.append("node-a", 1, List.of(row));
        }
        byte[] line = StoreBench.streamLine(9, LogStoreContract.T0, new SplittableRandom(9));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             PreparedStatement ps = c.prepareStatement("UPDATE fairway_log_records SET record = ? WHERE log_id = 'old-1'")) {
            ps.setBytes(1, deflateV1(line)); // the previous layout, as the previous RecordCodec wrote it
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        try (LogStore store = LogStores.sqlite(file, 2)) {
            assertThat(store.get("old-1").orElseThrow().record()).isEqualTo(line);
        }
    }

    @Test
    void anUnknownFormatIsAClearError() throws Exception {
        Path file = dir.resolve("logs.db");
        StoredLog row = TestRows.row("odd-1", 1, LogStoreContract.T0, "chat", "openai", "m1", 200, 0.01, 10.0, "{}");
        try (LogStore store = LogStores.sqlite(file, 2)) {
            store.append("node-a", 1, List.of(row));
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("UPDATE fairway_log_records SET record = X'07AABBCC'");
        }
        try (LogStore store = LogStores.sqlite(file, 2)) {
            assertThatThrownBy(() -> store.get("odd-1")).isInstanceOf(StoreException.class)
                    .hasMessageContaining("log record in an unknown format: format 7 (expected: 2 or 1)");
        }
        assertThatThrownBy(() -> RecordCodec.decode(new byte[0])).isInstanceOf(SQLException.class)
                .hasMessage("log record in an unknown format: empty");
    }

    @Test
    void aDamagedLengthIsRefusedBeforeAnythingIsAllocated() {
        byte[] stored = new RecordCodec(Dialect.SQLITE).encode("{\"seq\":1}".getBytes(StandardCharsets.UTF_8));
        stored[1] = 0x7f; // about two billion bytes claimed for a few
        assertThatThrownBy(() -> RecordCodec.decode(stored)).isInstanceOf(SQLException.class)
                .hasMessageStartingWith("log record not readable: length 2130706441");
        assertThatThrownBy(() -> RecordCodec.decode(new byte[] {RecordCodec.LZ4_V1, 0, 0})).isInstanceOf(SQLException.class)
                .hasMessage("log record cut short: 3 bytes (expected: >= 5)");
    }

    /** What RecordCodec wrote before LZ4: format byte 1, then raw deflate at level 1. */
    private static byte[] deflateV1(byte[] line) {
        Deflater deflater = new Deflater(1, true);
        try {
            deflater.setInput(line);
            deflater.finish();
            byte[] out = new byte[line.length + 64];
            out[0] = RecordCodec.DEFLATE_V1;
            int n = 1 + deflater.deflate(out, 1, out.length - 1);
            assertThat(deflater.finished()).isTrue();
            return Arrays.copyOf(out, n);
        } finally {
            deflater.end();
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
            assertThat(store.get("old-1").orElseThrow().record()).isEqualTo(asWritten.getBytes(StandardCharsets.UTF_8));
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
