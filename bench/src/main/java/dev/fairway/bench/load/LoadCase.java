package dev.fairway.bench.load;

import dev.fairway.bench.ChatBodies;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The three request shapes: a non-streaming miss (a new prompt every time), a hit (the same prompt
 * every time) and a 50-chunk stream (a new prompt every time). Bodies are built from a fixed
 * prefix and suffix around a per-request salt, so making one costs the generator next to nothing.
 */
enum LoadCase {
    MISS(false, true),
    HIT(false, false),
    STREAM(true, true);

    private static final String MARK = "\u0001SALT\u0001";

    final boolean stream;
    private final boolean unique;
    private final byte[] prefix;
    private final byte[] suffix;

    LoadCase(boolean stream, boolean unique) {
        this.stream = stream;
        this.unique = unique;
        String body = new String(ChatBodies.chat(2048, stream, MARK), StandardCharsets.UTF_8);
        int at = body.indexOf(MARK);
        this.prefix = body.substring(0, at).getBytes(StandardCharsets.UTF_8);
        this.suffix = body.substring(at + MARK.length()).getBytes(StandardCharsets.UTF_8);
    }

    static LoadCase parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--case: " + s + " (expected: miss, hit or stream)");
        }
    }

    /** The body of request number {@code n} of run {@code run}. */
    byte[] body(String run, long n) {
        byte[] salt = (unique ? run + "-" + n : "fixed").getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[prefix.length + salt.length + suffix.length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(salt, 0, out, prefix.length, salt.length);
        System.arraycopy(suffix, 0, out, prefix.length + salt.length, suffix.length);
        return out;
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
