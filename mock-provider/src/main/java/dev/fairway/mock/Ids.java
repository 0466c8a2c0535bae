package dev.fairway.mock;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Identifiers derived from the request, so the same request gets byte-identical answers: tests can
 * compare whole bodies, and a cache in front of the mock is easy to check.
 */
final class Ids {

    /** The "created" time of every answer (2025-01-01T00:00:00Z): fixed for the same reason. */
    static final long CREATED = 1_735_689_600L;

    private final String hex;

    private Ids(String hex) {
        this.hex = hex;
    }

    static Ids of(String method, String path, byte[] body) {
        Objects.requireNonNull(body, "body");
        MessageDigest sha = sha256();
        sha.update((Objects.requireNonNull(method, "method") + ' ' + Objects.requireNonNull(path, "path") + '\n')
                .getBytes(StandardCharsets.UTF_8));
        sha.update(body);
        return new Ids(HexFormat.of().formatHex(sha.digest()));
    }

    /** 64 hex characters identifying the request. */
    String fingerprint() {
        return hex;
    }

    /** {@code prefix} followed by 24 hex characters. */
    String id(String prefix) {
        return prefix + hex.substring(0, 24);
    }

    /** A UUID-shaped id, as Cohere uses. */
    String uuid() {
        return hex.substring(0, 8) + '-' + hex.substring(8, 12) + '-' + hex.substring(12, 16) + '-'
                + hex.substring(16, 20) + '-' + hex.substring(20, 32);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide SHA-256.
            throw new IllegalStateException(e);
        }
    }
}
