package dev.fairway.cache;

import dev.fairway.pipeline.Exchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Cache keys: SHA-256 over length-prefixed parts, so no two different part lists can give the same
 * input bytes. The computed key covers the route (whose TTL, size limit and stream rule made the
 * entry) and everything that changes an answer (provider, upstream URI,
 * model, the credential's fingerprint, the body in canonical form); a caller's own key replaces
 * only the body and model: it stays namespaced by route, authenticated client, credential,
 * provider and upstream path, so two tenants can never share an entry. Neither includes
 * cf-aig-metadata.
 */
final class CacheKey {
    private CacheKey() {}

    static String of(Exchange exchange) {
        MessageDigest sha = sha256();
        part(sha, "computed");
        part(sha, exchange.route().name());
        part(sha, exchange.target().provider().slug());
        part(sha, exchange.target().uri().toString());
        part(sha, exchange.method());
        part(sha, exchange.model() == null ? "" : exchange.model());
        part(sha, exchange.credentialFingerprint());
        body(sha, exchange);
        return HexFormat.of().formatHex(sha.digest());
    }

    /**
     * The key for a caller's {@code cf-aig-cache-key}: theirs to choose, but only among their own
     * entries. Another gateway client, another provider credential (or none), another provider or
     * upstream path never reaches an entry stored under the same caller key.
     */
    static String custom(Exchange exchange, String callerKey) {
        MessageDigest sha = sha256();
        part(sha, "custom");
        part(sha, exchange.route().name());
        part(sha, exchange.facts().clientIdentity() == null ? "" : exchange.facts().clientIdentity());
        part(sha, exchange.hostConsumer() == null ? "" : exchange.hostConsumer());
        part(sha, exchange.credentialFingerprint());
        part(sha, exchange.target().provider().slug());
        part(sha, exchange.target().uri().getRawPath() == null ? "" : exchange.target().uri().getRawPath());
        part(sha, callerKey);
        return HexFormat.of().formatHex(sha.digest());
    }

    /** The body as a part: its canonical form when it is JSON, hashed where it was written. */
    private static void body(MessageDigest sha, Exchange exchange) {
        byte[] raw = exchange.body().bytes();
        if (exchange.body().json()) {
            try {
                CanonicalJson.of(exchange.body().node(), raw.length, (b, off, len) -> part(sha, b, off, len));
                return;
            } catch (IOException | RuntimeException e) {
                // The body was parsed once already; should it still not canonicalise, its exact bytes key it safely.
            }
        }
        part(sha, raw, 0, raw.length);
    }

    private static void part(MessageDigest sha, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        part(sha, b, 0, b.length);
    }

    private static void part(MessageDigest sha, byte[] bytes, int off, int n) {
        // The length prefix one byte at a time: no array per part.
        sha.update((byte) (n >>> 24));
        sha.update((byte) (n >>> 16));
        sha.update((byte) (n >>> 8));
        sha.update((byte) n);
        sha.update(bytes, off, n);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
