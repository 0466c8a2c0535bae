package dev.fairway.cache;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ehcache.spi.serialization.Serializer;
import org.ehcache.spi.serialization.SerializerException;

/**
 * The stored form of a {@link CachedResponse}, for Ehcache's off-heap and disk tiers. Compact and
 * versioned, so a newer Fairway can tell an old disk file apart instead of misreading it:
 *
 * <pre>
 * u8 version(1) | u16 status | i64 storedAtMillis | i32 ttlSeconds
 * | u8 headerCount | (u16 len, utf8 name, u16 len, utf8 value) * headerCount
 * | i32 bodyLength | body
 * </pre>
 */
final class EntrySerializer implements Serializer<CachedResponse> {
    static final byte VERSION = 1;

    @Override
    public ByteBuffer serialize(CachedResponse r) throws SerializerException {
        List<String> h = r.headerNamesAndValues();
        byte[][] text = new byte[h.size()][];
        int size = 1 + 2 + 8 + 4 + 1 + 4 + r.body().length;
        for (int i = 0; i < text.length; i++) {
            text[i] = h.get(i).getBytes(StandardCharsets.UTF_8);
            if (text[i].length > 0xFFFF) {
                throw new SerializerException("header too long to store: " + h.get(i - i % 2));
            }
            size += 2 + text[i].length;
        }
        if (text.length / 2 > 0xFF) {
            throw new SerializerException("too many headers to store: " + text.length / 2);
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.put(VERSION).putShort((short) r.status()).putLong(r.storedAtMillis()).putInt(r.ttlSeconds());
        b.put((byte) (text.length / 2));
        for (byte[] t : text) {
            b.putShort((short) t.length).put(t);
        }
        b.putInt(r.body().length).put(r.body());
        return b.flip();
    }

    @Override
    public CachedResponse read(ByteBuffer in) throws SerializerException {
        ByteBuffer b = in.duplicate();
        try {
            byte version = b.get();
            if (version != VERSION) {
                throw new SerializerException("stored entry format " + version + " (expected: " + VERSION + ")");
            }
            int status = Short.toUnsignedInt(b.getShort());
            long storedAt = b.getLong();
            int ttl = b.getInt();
            int headers = Byte.toUnsignedInt(b.get());
            List<String> h = new ArrayList<>(headers * 2);
            for (int i = 0; i < headers * 2; i++) {
                byte[] t = new byte[Short.toUnsignedInt(b.getShort())];
                b.get(t);
                h.add(new String(t, StandardCharsets.UTF_8));
            }
            byte[] body = new byte[b.getInt()];
            b.get(body);
            return new CachedResponse(status, h, body, storedAt, ttl);
        } catch (RuntimeException e) {
            throw new SerializerException("stored entry is damaged: " + e);
        }
    }

    @Override
    public boolean equals(CachedResponse object, ByteBuffer binary) throws SerializerException {
        CachedResponse other = read(binary);
        return object.status() == other.status() && object.storedAtMillis() == other.storedAtMillis()
                && object.ttlSeconds() == other.ttlSeconds()
                && object.headerNamesAndValues().equals(other.headerNamesAndValues())
                && Arrays.equals(object.body(), other.body());
    }
}
