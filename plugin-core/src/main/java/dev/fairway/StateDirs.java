package dev.fairway;

import static java.util.Objects.requireNonNull;

import dev.fairway.config.ConfigException;
import dev.fairway.config.GatewayConfig;
import dev.fairway.config.LogStoreSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The places Fairway writes, each with the setting that names it: the log spool, the log store's
 * SQLite file ({@code <spool_dir>.logs.db} unless {@code logs.store.path} says otherwise) and the
 * cache's disk tier with its semantic index ({@code <cache_storage.directory>/semantic}) and, with
 * the admin listener on, the directory of {@code <spool_dir>.flows.json} and {@code .prompts.json}
 * (flow and prompt versions added through the admin API). All are
 * checked before anything starts, so that an install on a read-only root filesystem whose state
 * volume does not hold one of them fails at once, naming the path and the setting, rather than at
 * the first request or with a database driver's message.
 */
public final class StateDirs {
    private StateDirs() {}

    /** A directory Fairway creates files in, and the setting that puts it there. */
    public record StateDir(String setting, Path directory) {
        public StateDir {
            requireNonNull(setting, "setting");
            directory = directory.toAbsolutePath().normalize();
        }
    }

    /** The directories {@code config} makes Fairway write in. */
    public static List<StateDir> of(GatewayConfig config) {
        List<StateDir> out = new ArrayList<>();
        Path spool = Path.of(config.logs().spoolDir());
        out.add(new StateDir("logs.spool_dir", spool));
        LogStoreSettings store = config.logs().store();
        if ("sqlite".equals(store.kind())) {
            // The database and its -wal/-shm files are created next to each other in the file's directory.
            Path file = store.path() != null ? Path.of(store.path()) : dev.fairway.logstore.LogStores.besideSpool(spool);
            out.add(new StateDir(store.path() != null ? "logs.store.path" : "logs.store.path (default: <logs.spool_dir>.logs.db)",
                    file.toAbsolutePath().normalize().getParent()));
        }
        if (config.server().adminPort() > 0) {
            // PUT /flows and PUT /prompts keep their versions in <spool_dir>.flows.json and .prompts.json.
            Path parent = spool.toAbsolutePath().normalize().getParent();
            if (parent != null && out.stream().noneMatch(d -> d.directory().equals(parent))) {
                out.add(new StateDir("logs.spool_dir (admin flow and prompt versions: <logs.spool_dir>.flows.json, .prompts.json)", parent));
            }
        }
        if (config.cacheStorage().diskMb() > 0) {
            Path cache = Path.of(config.cacheStorage().directory());
            if (config.routes().stream().anyMatch(r -> r.cache().enabled())) {
                out.add(new StateDir("cache_storage.directory", cache));
            }
            if (config.routes().stream().anyMatch(r -> r.cache().semantic().enabled())) {
                out.add(new StateDir("cache_storage.directory (semantic index)", cache.resolve(dev.fairway.cache.semantic.Embedders.directory(config.cacheStorage().semanticEmbedder()))));
            }
        }
        return out;
    }

    /**
     * Checks that each directory {@code config} writes in is, or can be created as, a writable directory.
     *
     * @throws ConfigException naming each setting and path that is not
     */
    public static void check(GatewayConfig config) {
        check(of(config), Files::isWritable);
    }

    /** As {@link #check(GatewayConfig)}, with the test of writability given (tests stand in for a read-only mount). */
    static void check(List<StateDir> dirs, Predicate<Path> writable) {
        List<String> problems = new ArrayList<>();
        for (StateDir d : dirs) {
            String problem = problem(d.directory(), writable);
            if (problem != null) {
                problems.add(d.setting() + ": " + problem + " (expected: a writable directory; on a read-only root"
                        + " filesystem, a path on a writable volume such as /var/lib/fairway)");
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    /** Why Fairway could not write in {@code dir}, or null when it can (an absent one is created in its nearest existing parent). */
    private static String problem(Path dir, Predicate<Path> writable) {
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return dir + " has no existing parent";
        }
        if (!Files.isDirectory(existing)) {
            return existing.equals(dir) ? dir + " is not a directory" : dir + " cannot be created: " + existing + " is not a directory";
        }
        if (!writable.test(existing)) {
            return existing.equals(dir) ? dir + " is not writable" : dir + " cannot be created: " + existing + " is not writable";
        }
        return null;
    }
}
