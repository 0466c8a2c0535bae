package dev.fairway.config;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A credential from configuration. Written as a literal, {@code ${env:NAME}} or
 * {@code ${file:/path}}; resolved at load. A file secret is re-read when the file changes (its
 * modification time or size), so a key rotated by rewriting the file (a Kubernetes secret volume, a
 * vault agent) is used from the next request on without a restart; if the new file cannot be read
 * the previous value stays in use and the failure is logged once. {@link #toString()} never shows
 * the value, so a secret that slips into a log line or an error message shows as {@code ****}.
 */
public final class Secret {
    private static final Logger LOG = LoggerFactory.getLogger(Secret.class);

    private final String reference;
    private final Path file;
    private volatile Loaded loaded;
    private final AtomicBoolean failedOnce = new AtomicBoolean();

    private Secret(String reference, String value) {
        this(reference, null, new Loaded(value, null));
    }

    private Secret(String reference, Path file, Loaded loaded) {
        this.reference = reference;
        this.file = file;
        this.loaded = loaded;
    }

    /** The value and the file state it was read from (null for literals and environment values). */
    private record Loaded(String value, Stamp stamp) {
        @Override
        public String toString() {
            return "****";
        }
    }

    private record Stamp(FileTime modified, long size) {
        static Stamp of(Path file) throws IOException {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new Stamp(a.lastModifiedTime(), a.size());
        }
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
                return new Secret(written, file, read(file));
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

    private static Loaded read(Path file) throws IOException {
        Stamp before = Stamp.of(file);
        String value = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (value.isEmpty()) {
            throw new IOException("the file is empty");
        }
        return new Loaded(value, before);
    }

    /** The secret itself (a file secret as the file holds it now); callers put it on the wire and nowhere else. */
    public String reveal() {
        return current().value();
    }

    /** A non-reversible fingerprint of the current value: cache keys and quota keys use it instead of the secret. */
    public String fingerprint() {
        return fingerprint(reveal());
    }

    private Loaded current() {
        Loaded now = loaded;
        if (file == null) {
            return now;
        }
        try {
            Stamp stamp = Stamp.of(file);
            if (stamp.equals(now.stamp())) {
                return now;
            }
            Loaded fresh = read(file);
            loaded = fresh;
            failedOnce.set(false);
            LOG.info("secret {} changed on disk; using the new value", reference);
            return fresh;
        } catch (IOException e) {
            // Keep serving with the key that worked; a rotation caught half-written is retried next time.
            if (failedOnce.compareAndSet(false, true)) {
                LOG.warn("secret {} could not be re-read ({}); still using the previous value", reference, e.toString());
            }
            return now;
        }
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
