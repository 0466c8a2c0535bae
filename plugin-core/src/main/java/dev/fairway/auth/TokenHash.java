package dev.fairway.auth;

import com.fasterxml.jackson.annotation.JsonCreator;
import dev.fairway.config.Doc;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One stored token hash, decoded once when the configuration is read. It never prints its value:
 * a hash is not the token, but it still narrows a guess and has no business in logs.
 */
@Doc("A string: the lowercase hex SHA-256 of a gateway token (64 characters).")
public final class TokenHash {
    private final byte[] digest;

    private TokenHash(byte[] digest) {
        this.digest = digest;
    }

    /**
     * Reads the hex form written in config.
     *
     * @throws IllegalArgumentException saying what was expected, without echoing the value (it may be
     *     a token pasted by mistake)
     */
    @JsonCreator
    public static TokenHash parse(String hex) {
        if (hex == null || hex.length() != TokenHashes.HEX_LENGTH || !isHex(hex)) {
            throw new IllegalArgumentException(String.format(
                    "a value of %d characters (expected: %d hexadecimal characters, the SHA-256 printed by 'fairway hash-token')",
                    hex == null ? 0 : hex.length(), TokenHashes.HEX_LENGTH));
        }
        return new TokenHash(HexFormat.of().parseHex(hex));
    }

    private static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    /** The digest bytes; callers compare them in constant time and never copy them elsewhere. */
    byte[] digest() {
        return digest;
    }

    boolean sameAs(TokenHash other) {
        return Arrays.equals(digest, other.digest);
    }

    // Value equality lets two readings of one configuration compare equal. Request-time matching
    // never uses it: TokenVerifier compares in constant time.
    @Override
    public boolean equals(Object o) {
        return o instanceof TokenHash other && sameAs(other);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
        return "sha256:****";
    }
}
