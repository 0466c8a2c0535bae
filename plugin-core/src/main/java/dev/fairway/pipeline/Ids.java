package dev.fairway.pipeline;

import java.security.SecureRandom;
import java.util.concurrent.ThreadLocalRandom;

/** Identifiers: time-ordered log ids, and unguessable tickets. */
public final class Ids {
    private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final SecureRandom SECURE = new SecureRandom();

    private Ids() {}

    /**
     * A 26-character ULID-shaped id: 48 bits of milliseconds then 80 random bits, so ids sort by
     * time in logs and object listings. Unique, not secret.
     */
    public static String logId() {
        long millis = System.currentTimeMillis();
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return encode(millis, r.nextLong(), r.nextInt());
    }

    /** 128 bits from a secure source: a dispatcher ticket must not be guessable. */
    public static String ticket() {
        byte[] b = new byte[16];
        SECURE.nextBytes(b);
        return java.util.HexFormat.of().formatHex(b);
    }

    private static String encode(long millis, long rand1, int rand2) {
        char[] out = new char[26];
        for (int i = 9; i >= 0; i--) {
            out[i] = CROCKFORD[(int) (millis & 31)];
            millis >>>= 5;
        }
        for (int i = 10; i < 23; i++) {
            out[i] = CROCKFORD[(int) (rand1 & 31)];
            rand1 >>>= 5;
        }
        for (int i = 23; i < 26; i++) {
            out[i] = CROCKFORD[rand2 & 31];
            rand2 >>>= 5;
        }
        return new String(out);
    }
}
