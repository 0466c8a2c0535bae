package dev.fairway.config;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * A credential from configuration. Written as a literal, {@code ${env:NAME}} or
 * {@code ${file:/path}}; resolved once at load. {@link #toString()} never shows the value, so a
 * secret that slips into a log line or an error message shows as {@code ****}.
 */
public final class Secret {
    private final String reference;
    private final String value;

    private Secret(String reference, String value) {
        this.reference = reference;
        this.value = value;
    }

    /**
     * Resolves {@code written} against the environment and the file system.
     *
     * @throws IllegalArgumentException naming the reference (never the value) when it cannot be resolved
     */
    public static Secret resolve(String written, Map<String, String> env) {
        requireNonNull(written, "written");
        if (written.startsWith("${env:") && written.endsWith("}")) {
            String name = written.substring(6, written.length() - 1);
            String v = env.get(name);
            if (v == null || v.isEmpty()) {
                throw new IllegalArgumentException("environment variable " + name + " is not set");
            }
            return new Secret(written, v);
        }
        if (written.startsWith("${file:") && written.endsWith("}")) {
            Path file = Path.of(written.substring(7, written.length() - 1));
            try {
                return new Secret(written, Files.readString(file, StandardCharsets.UTF_8).strip());
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read secret file " + file + " (" + e.getClass().getSimpleName() + ")");
            }
        }
        if (written.startsWith("${")) {
            throw new IllegalArgumentException("unknown reference form (expected: ${env:NAME} or ${file:/path})");
        }
        return new Secret("(literal)", written);
    }

    public static Secret literal(String value) {
        return new Secret("(literal)", requireNonNull(value, "value"));
    }

    /** The secret itself; callers put it on the wire and nowhere else. */
    public String reveal() {
        return value;
    }

    /** Same value, wherever it came from: a reload compares configurations by what they resolve to. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Secret other && MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8),
                other.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return fingerprint().hashCode();
    }

    /** A stable, non-reversible fingerprint: cache keys and quota keys use it instead of the secret. */
    public String fingerprint() {
        return fingerprint(value);
    }

    public static String fingerprint(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where the secret came from, e.g. {@code ${env:OPENAI_API_KEY}}; safe to print. */
    public String reference() {
        return reference;
    }

    @Override
    public String toString() {
        return "****";
    }
}
