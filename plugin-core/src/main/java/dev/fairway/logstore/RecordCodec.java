package dev.fairway.logstore;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * How the spool line of a record ({@code fairway_log_records.record}) is kept. On SQLite it is
 * compressed into a BLOB: a streamed answer's line is mostly its raw server-sent events (13 to 19
 * KiB for 50 chunks, repetitive), which SQLite would otherwise write three times over (overflow
 * pages, the write-ahead log, the checkpoint); compressed it is about a tenth and fits in one page
 * (docs/benchmarks.md, "Log store feeder").
 *
 * <p>The first byte of a BLOB names its format, so a new one needs no migration: every format
 * written once stays readable.
 * <ul>
 *   <li>{@link #LZ4_V1} (written now): the line's length (4 bytes, big-endian), then one LZ4 block.
 *       LZ4 costs a fifth to a seventh of the CPU of deflate at level 1 per line (2.6 against 22.8
 *       us for a plain request's 3 KB line, 4.9 against 31.4 us for a streamed one's 19 KB) for a
 *       third larger output (1.4 to 1.5 against 1.0 to 1.3 KB): still no overflow page, but two
 *       lines to a page instead of three, so the store takes about 2.7 instead of 2.0 KB per
 *       record. Under load the deflate was the largest part of the feeder's CPU; zstd at level 1
 *       kept deflate's size for more CPU than LZ4 (docs/architecture.md, "Feeding cost, second
 *       pass").</li>
 *   <li>{@link #DEFLATE_V1} (written before): raw deflate, level 1.</li>
 *   <li>TEXT (written by the first versions): the line as it is; the column's value type tells.</li>
 * </ul>
 * PostgreSQL keeps TEXT: it compresses wide values itself (TOAST).
 *
 * <p>One instance per append: it keeps a buffer (compressing into a fresh array the size of LZ4's
 * worst case, then copying, cost as much as the compression for a streamed answer's line), so it is
 * not thread-safe. Reading is static: the LZ4 compressor and decompressor are thread-safe ({@link Lz4}).
 */
final class RecordCodec {
    /** Raw deflate after this byte: what versions before LZ4 wrote. Read only. */
    static final byte DEFLATE_V1 = 1;
    /** The line's length, big-endian in four bytes, then one LZ4 block, after this byte. */
    static final byte LZ4_V1 = 2;
    private static final int LZ4_HEADER = 5;
    /** LZ4 expands at most 255 times (a run's length costs a byte per 255): a larger length was damaged. */
    private static final int LZ4_MAX_RATIO = 255;

    /**
     * LZ4 apart, so that it is loaded (its native library extracted and loaded) only once a record is
     * compressed or an LZ4 record read, never on PostgreSQL. The JNI build where the jar has one for
     * the platform (linux-x86_64 among them), else the pure Java one; the same format either way.
     */
    private static final class Lz4 {
        private static final LZ4Factory FACTORY = LZ4Factory.fastestInstance();
        static final LZ4Compressor COMPRESSOR = FACTORY.fastCompressor();
        // The safe decompressor: a damaged BLOB fails with an exception, never reads or writes out of bounds.
        static final LZ4SafeDecompressor DECOMPRESSOR = FACTORY.safeDecompressor();
    }

    private final boolean compress;
    private byte[] buffer = new byte[16 * 1024];

    RecordCodec(Dialect dialect) {
        this.compress = requireNonNull(dialect, "dialect") == Dialect.SQLITE;
    }

    /** Binds {@code line} (the spool line, UTF-8) as parameter {@code index}, in the form the dialect keeps. */
    void bind(PreparedStatement ps, int index, byte[] line) throws SQLException {
        if (!compress) {
            ps.setString(index, new String(line, StandardCharsets.UTF_8));
            return;
        }
        ps.setBytes(index, encode(line));
    }

    /** {@code line} as {@link #LZ4_V1}: a new array of its size, the statement keeps it until its batch runs. */
    byte[] encode(byte[] line) {
        int most = LZ4_HEADER + Lz4.COMPRESSOR.maxCompressedLength(line.length);
        if (buffer.length < most) {
            buffer = new byte[Math.max(most, buffer.length * 2)];
        }
        byte[] out = buffer;
        out[0] = LZ4_V1;
        out[1] = (byte) (line.length >>> 24);
        out[2] = (byte) (line.length >>> 16);
        out[3] = (byte) (line.length >>> 8);
        out[4] = (byte) line.length;
        int n = Lz4.COMPRESSOR.compress(line, 0, line.length, out, LZ4_HEADER, out.length - LZ4_HEADER);
        return java.util.Arrays.copyOf(out, LZ4_HEADER + n);
    }

    /** The record in column {@code column}: a compressed BLOB, or TEXT as earlier versions (and PostgreSQL) wrote it. */
    static byte[] read(ResultSet rs, String column) throws SQLException {
        Object v = rs.getObject(column);
        if (v == null) {
            return null;
        }
        if (v instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        if (v instanceof byte[] bytes) {
            return decode(bytes);
        }
        throw new SQLException("log record of an unknown type: " + v.getClass().getName());
    }

    /** The line a BLOB holds, whichever format wrote it. */
    static byte[] decode(byte[] stored) throws SQLException {
        if (stored.length == 0) {
            throw new SQLException("log record in an unknown format: empty");
        }
        return switch (stored[0]) {
            case LZ4_V1 -> lz4(stored);
            case DEFLATE_V1 -> inflate(stored);
            default -> throw new SQLException("log record in an unknown format: format " + stored[0]
                    + " (expected: " + LZ4_V1 + " or " + DEFLATE_V1 + ")");
        };
    }

    private static byte[] lz4(byte[] stored) throws SQLException {
        if (stored.length < LZ4_HEADER) {
            throw new SQLException("log record cut short: " + stored.length + " bytes (expected: >= " + LZ4_HEADER + ")");
        }
        int length = (stored[1] & 0xff) << 24 | (stored[2] & 0xff) << 16 | (stored[3] & 0xff) << 8 | (stored[4] & 0xff);
        long most = (long) (stored.length - LZ4_HEADER) * LZ4_MAX_RATIO;
        if (length < 0 || length > most) {
            // Checked before allocating: a damaged length must not ask for gigabytes.
            throw new SQLException("log record not readable: length " + length + " (expected: 0.." + most + ")");
        }
        byte[] line = new byte[length];
        int n;
        try {
            n = Lz4.DECOMPRESSOR.decompress(stored, LZ4_HEADER, stored.length - LZ4_HEADER, line, 0, length);
        } catch (LZ4Exception e) {
            throw new SQLException("log record not readable: " + e.getMessage(), e);
        }
        if (n != length) {
            throw new SQLException("log record cut short: " + n + " bytes of " + length);
        }
        return line;
    }

    private static byte[] inflate(byte[] stored) throws SQLException {
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
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new SQLException("log record not readable: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }
}
