package dev.fairway.logstore;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * How the spool line of a record ({@code fairway_log_records.record}) is kept. On SQLite it is
 * deflated into a BLOB: a streamed answer's line is mostly its raw server-sent events (about 13 KiB
 * for 50 chunks, repetitive), which SQLite would otherwise write three times over (overflow pages,
 * the write-ahead log, the checkpoint); deflated it is about a tenth and fits in one page, and the
 * deflate costs less CPU than the writes it saves (docs/benchmarks.md, "Log store"). A line
 * written as TEXT by an earlier version stays readable as it is, so an existing store needs no
 * migration. PostgreSQL keeps TEXT: it compresses wide values itself (TOAST).
 *
 * <p>One instance per append (a {@link Deflater} holds native memory and is not thread-safe).
 */
final class RecordCodec implements AutoCloseable {
    /** The first byte of a deflated record: the format, so another one can follow without a migration. */
    private static final byte DEFLATE_V1 = 1;

    private final Dialect dialect;
    private final Deflater deflater;
    private byte[] buffer = new byte[16 * 1024];

    RecordCodec(Dialect dialect) {
        this.dialect = requireNonNull(dialect, "dialect");
        // Level 1: a line this repetitive shrinks about as much as at level 6, at half the CPU.
        this.deflater = dialect == Dialect.SQLITE ? new Deflater(1, true) : null;
    }

    /** Binds {@code record} as parameter {@code index}, in the form the dialect keeps. */
    void bind(PreparedStatement ps, int index, String record) throws SQLException {
        if (deflater == null) {
            ps.setString(index, record);
            return;
        }
        ps.setBytes(index, deflate(record.getBytes(StandardCharsets.UTF_8)));
    }

    byte[] deflate(byte[] line) {
        deflater.reset();
        deflater.setInput(line);
        deflater.finish();
        buffer[0] = DEFLATE_V1;
        int n = 1;
        while (!deflater.finished()) {
            if (n == buffer.length) {
                buffer = Arrays.copyOf(buffer, buffer.length * 2);
            }
            n += deflater.deflate(buffer, n, buffer.length - n);
        }
        return Arrays.copyOf(buffer, n);
    }

    /** The record in column {@code column}: a deflated BLOB, or TEXT as earlier versions (and PostgreSQL) wrote it. */
    static String read(ResultSet rs, String column) throws SQLException {
        Object v = rs.getObject(column);
        if (v == null || v instanceof String) {
            return (String) v;
        }
        if (v instanceof byte[] bytes) {
            return inflate(bytes);
        }
        throw new SQLException("log record of an unknown type: " + v.getClass().getName());
    }

    static String inflate(byte[] stored) throws SQLException {
        if (stored.length == 0 || stored[0] != DEFLATE_V1) {
            throw new SQLException("log record in an unknown format: " + (stored.length == 0 ? "empty" : "format " + stored[0]));
        }
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(stored, 1, stored.length - 1);
            ByteArrayOutputStream out = new ByteArrayOutputStream(stored.length * 8);
            byte[] chunk = new byte[16 * 1024];
            while (!inflater.finished()) {
                int n = inflater.inflate(chunk);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new SQLException("log record cut short: the deflated data ends early");
                }
                out.write(chunk, 0, n);
            }
            return out.toString(StandardCharsets.UTF_8);
        } catch (DataFormatException e) {
            throw new SQLException("log record not readable: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }

    @Override
    public void close() {
        if (deflater != null) {
            deflater.end();
        }
    }
}
