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
        part(sha, body(exchange));
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

    private static byte[] body(Exchange exchange) {
        byte[] raw = exchange.body().bytes();
        if (!exchange.body().json()) {
            return raw;
        }
        try {
            return CanonicalJson.of(exchange.body().node(), raw.length);
        } catch (IOException | RuntimeException e) {
            // The body was parsed once already; should it still not canonicalise, its exact bytes key it safely.
            return raw;
        }
    }

    private static void part(MessageDigest sha, String s) {
        part(sha, s.getBytes(StandardCharsets.UTF_8));
    }

    private static void part(MessageDigest sha, byte[] bytes) {
        int n = bytes.length;
        sha.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
        sha.update(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
