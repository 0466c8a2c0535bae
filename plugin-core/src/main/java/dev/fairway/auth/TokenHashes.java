package dev.fairway.auth;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * How gateway tokens are stored: the lowercase hex SHA-256 of the token's UTF-8 bytes.
 *
 * <p>A plain, unsalted digest is enough here because gateway tokens are random secrets with at
 * least 256 bits of entropy ({@link #newToken()}), not passwords a person chose: salting and key
 * stretching defend against dictionary guesses, which do not apply to such tokens, and a fast digest
 * keeps the per-request cost to one hash whatever the number of clients.
 */
public final class TokenHashes {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    /** Length of a stored hash in hex characters. */
    public static final int HEX_LENGTH = 64;

    private TokenHashes() {}

    /** The value to write as {@code token_sha256} in config for {@code token}. */
    public static String hash(String token) {
        return HEX.formatHex(digest(token));
    }

    /** A new random gateway token: 32 random bytes, base64url, with a recognisable prefix. */
    public static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "fwy_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static byte[] digest(String token) {
        requireNonNull(token, "token");
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
