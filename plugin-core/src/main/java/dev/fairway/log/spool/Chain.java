package dev.fairway.log.spool;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The hash chain's arithmetic, shared by the writer and the verifier. */
public final class Chain {
    /** The predecessor hash of the very first record. */
    public static final String GENESIS = "0".repeat(64);

    private Chain() {}

    /** SHA-256 over a record's line as written (without its newline), in lower-case hex. */
    public static String hash(byte[] line, int offset, int length) {
        return hash(sha256(), line, offset, length);
    }

    /** As {@link #hash(byte[], int, int)} with a digest the caller reuses from record to record (it is reset). */
    public static String hash(MessageDigest digest, byte[] line, int offset, int length) {
        digest.reset();
        digest.update(line, offset, length);
        return HexFormat.of().formatHex(digest.digest());
    }

    /** A SHA-256 digest for {@link #hash(MessageDigest, byte[], int, int)}; one thread's. */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String hash(byte[] line) {
        return hash(line, 0, line.length);
    }

    /**
     * The end of the chain so far.
     *
     * @param seq the last record's sequence number, 0 before the first
     */
    public record Head(long seq, String hash, String logId) {
        public static final Head START = new Head(0, GENESIS, null);
    }
}
