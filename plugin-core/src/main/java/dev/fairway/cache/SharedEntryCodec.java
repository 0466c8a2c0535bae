package dev.fairway.cache;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The form of an entry in the shared tier: one byte saying how the rest is packed (0 as is, 1
 * deflated), then the entry as {@link EntrySerializer} writes it for the disk tier, versioned, so
 * processes of two Fairway versions sharing a Redis tell each other's entries apart instead of
 * misreading them. Inflating stops at the largest size an entry may have, so a damaged or hostile
 * value cannot make a process allocate without bound.
 */
final class SharedEntryCodec {
    private static final Logger LOG = LoggerFactory.getLogger(SharedEntryCodec.class);
    static final byte RAW = 0;
    static final byte DEFLATED = 1;
    /** Room for the status, times, and headers around the body. */
    private static final int HEAD_ROOM = 256 * 1024;

    private SharedEntryCodec() {}

    static byte[] encode(CachedResponse entry, int compressAboveBytes) {
        ByteBuffer plain = new EntrySerializer().serialize(entry);
        int n = plain.remaining();
        boolean deflate = compressAboveBytes > 0 && n > compressAboveBytes;
        if (!deflate) {
            byte[] out = new byte[n + 1];
            out[0] = RAW;
            plain.get(out, 1, n);
            return out;
        }
        Deflater d = new Deflater(Deflater.BEST_SPEED);
        try {
            d.setInput(plain);
            d.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(n / 2 + 16);
            out.write(DEFLATED);
            byte[] chunk = new byte[8192];
            while (!d.finished()) {
                out.write(chunk, 0, d.deflate(chunk));
            }
            return out.toByteArray();
        } finally {
            d.end();
        }
    }

    /** The entry, or null when the value is damaged, of another format, or its body is over {@code maxBodyBytes}. */
    static CachedResponse decode(byte[] value, int maxBodyBytes) {
        try {
            if (value.length < 2) {
                throw new IllegalArgumentException("too short");
            }
            long limit = (long) maxBodyBytes + HEAD_ROOM;
            ByteBuffer plain = switch (value[0]) {
                case RAW -> ByteBuffer.wrap(value, 1, value.length - 1);
                case DEFLATED -> ByteBuffer.wrap(inflate(value, (int) Math.min(Integer.MAX_VALUE - 8, limit)));
                default -> throw new IllegalArgumentException("packing " + value[0] + " (expected: 0 or 1)");
            };
            CachedResponse r = new EntrySerializer().read(plain.slice());
            return r.body().length > maxBodyBytes ? null : r;
        } catch (RuntimeException e) {
            // Another version's entry, or damage: a miss, and the answer stored again replaces it.
            LOG.debug("shared cache entry unreadable, answering as a miss: {}", e.toString());
            return null;
        }
    }

    private static byte[] inflate(byte[] value, int limit) {
        Inflater i = new Inflater();
        try {
            i.setInput(value, 1, value.length - 1);
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit, value.length * 4));
            byte[] chunk = new byte[8192];
            while (!i.finished()) {
                int n = i.inflate(chunk);
                if (n == 0 && (i.needsInput() || i.needsDictionary())) {
                    throw new IllegalArgumentException("deflated value ends early");
                }
                if (out.size() + n > limit) {
                    throw new IllegalArgumentException("inflates past " + limit + " bytes");
                }
                out.write(chunk, 0, n);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("not deflate data", e);
        } finally {
            i.end();
        }
    }
}
