package dev.fairway;

import static java.util.Objects.requireNonNull;

import dev.fairway.config.ConfigException;
import dev.fairway.config.GatewayConfig;
import dev.fairway.lifecycle.Signals;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a running process on its configuration file: on SIGHUP, and whenever the file or a
 * {@code ${file:...}} secret it names changes, the file is read and validated first; a bad one is
 * refused with every field error logged by its path and the running configuration stays; a good
 * one serves new requests ({@link Fairway#reload}) while requests in flight finish as they began.
 *
 * <p>Changes are found by polling a digest of the file and of the secret files it references:
 * polling sees what file-system events miss (Kubernetes swaps a ConfigMap's symlink; an editor
 * renames over the file) and costs one small read every {@link #POLL}.
 */
public final class ConfigReloader implements AutoCloseable {
    /** How often the file and its secret files are checked for changes. */
    public static final Duration POLL = Duration.ofSeconds(2);
    private static final Logger LOG = LoggerFactory.getLogger(ConfigReloader.class);
    private static final Pattern FILE_SECRET = Pattern.compile("\\$\\{file:([^}]+)}");

    private final Fairway fairway;
    private final Path file;
    private final Function<String, GatewayConfig> parse;
    private final ScheduledExecutorService poller;
    private byte[] lastDigest;

    private ConfigReloader(Fairway fairway, Path file, Function<String, GatewayConfig> parse) {
        this.fairway = requireNonNull(fairway, "fairway");
        this.file = requireNonNull(file, "file");
        this.parse = requireNonNull(parse, "parse");
        this.poller = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("fairway-config-watch").factory());
        this.lastDigest = digest();
    }

    /**
     * Watches {@code file} for {@code fairway} and reloads on SIGHUP.
     *
     * @param parse turns the file's text into a validated configuration (overlays included), or
     *     throws {@link ConfigException}
     */
    public static ConfigReloader watch(Fairway fairway, Path file, Function<String, GatewayConfig> parse) {
        ConfigReloader r = new ConfigReloader(fairway, file, parse);
        r.poller.scheduleWithFixedDelay(r::reloadIfChanged, POLL.toMillis(), POLL.toMillis(), TimeUnit.MILLISECONDS);
        Signals.on("HUP", r::reloadNow);
        return r;
    }

    /** Reloads when the file or a secret file it names changed since the last look. */
    synchronized void reloadIfChanged() {
        byte[] now = digest();
        if (!Arrays.equals(now, lastDigest)) {
            lastDigest = now;
            reloadNow();
        }
    }

    /**
     * Reads, validates and applies the file now.
     *
     * @return true when the new configuration took effect
     */
    public synchronized boolean reloadNow() {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            fairway.reload(parse.apply(text));
            lastDigest = digest();
            return true;
        } catch (ConfigException e) {
            LOG.error("configuration {} refused, the running one stays: {} problem(s)", file, e.problems().size());
            e.problems().forEach(p -> LOG.error("  {}", p));
        } catch (IOException e) {
            LOG.error("configuration {} cannot be read, the running one stays: {}", file, e.toString());
        } catch (RuntimeException e) {
            LOG.error("configuration {} refused, the running one stays: {}", file, e.getMessage());
        }
        return false;
    }

    /** A digest of the file and of every secret file it references; empty input when unreadable. */
    private byte[] digest() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] text = readOrEmpty(file);
            md.update(text);
            Matcher m = FILE_SECRET.matcher(new String(text, StandardCharsets.UTF_8));
            while (m.find()) {
                md.update(readOrEmpty(Path.of(m.group(1))));
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] readOrEmpty(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            return new byte[0]; // a missing file is a change too; reloadNow reports why it failed
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
