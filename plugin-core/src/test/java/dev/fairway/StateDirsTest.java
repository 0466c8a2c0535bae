package dev.fairway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.fairway.config.ConfigException;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.GatewayConfig;
import dev.fairway.testing.GatewayHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A read-only root install: Fairway writes only in its state directories (the spool, the log
 * store's file, the cache's disk tier and semantic index), and refuses to start, naming the path and
 * the setting, when one of them cannot be written, before it writes anything.
 */
class StateDirsTest {
    private static GatewayConfig config(String yaml) {
        return ConfigLoader.withEnv(Map.of()).parse(yaml);
    }

    private static String semanticRoute() {
        return "routes:\n  - {name: chat, prefix: /, cache: {enabled: true, semantic: {enabled: true}}}\n";
    }

    @Test
    void theLogStoreFileAndSemanticIndexAreStateDirectoriesWithTheirSettings() {
        GatewayConfig c = config("logs: {spool_dir: /var/lib/fairway/spool}\ncache_storage: {directory: /var/lib/fairway/cache}\n" + semanticRoute());
        assertThat(StateDirs.of(c)).extracting(StateDirs.StateDir::directory).containsExactly(
                Path.of("/var/lib/fairway/spool"), Path.of("/var/lib/fairway"),
                Path.of("/var/lib/fairway/cache"), Path.of("/var/lib/fairway/cache/semantic"));
        // No disk tier, or another store: the admin API's flow and prompt versions still go beside the spool.
        GatewayConfig memoryOnly = config("logs: {spool_dir: /s/spool, store: {kind: none}}\ncache_storage: {disk_mb: 0}\n" + semanticRoute());
        assertThat(StateDirs.of(memoryOnly)).extracting(StateDirs.StateDir::setting, StateDirs.StateDir::directory).containsExactly(
                org.assertj.core.groups.Tuple.tuple("logs.spool_dir", Path.of("/s/spool")),
                org.assertj.core.groups.Tuple.tuple("logs.spool_dir (admin flow and prompt versions: <logs.spool_dir>.flows.json,"
                        + " .prompts.json)", Path.of("/s")));
        // Without the admin listener, nothing writes there.
        GatewayConfig noAdmin = config("server: {admin_port: 0}\nlogs: {spool_dir: /s/spool, store: {kind: none}}\ncache_storage: {disk_mb: 0}\n"
                + semanticRoute());
        assertThat(StateDirs.of(noAdmin)).extracting(StateDirs.StateDir::directory).containsExactly(Path.of("/s/spool"));
    }

    @Test
    void aSpoolAtTheRootOfItsVolumeNamesTheLogStoreFileLeftOnTheReadOnlyRoot(@org.junit.jupiter.api.io.TempDir Path root)
            throws IOException {
        // The volume is mounted at <root>/spool; everything else under <root> is read-only.
        Path volume = Files.createDirectories(root.resolve("spool"));
        GatewayConfig c = config("logs: {spool_dir: '" + volume + "'}\ncache_storage: {directory: '" + root.resolve("cache") + "'}\n"
                + semanticRoute());
        assertThatThrownBy(() -> StateDirs.check(StateDirs.of(c), p -> p.startsWith(volume)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("logs.store.path (default: <logs.spool_dir>.logs.db): " + root + " is not writable")
                .hasMessageContaining("cache_storage.directory (semantic index): " + root.resolve("cache/semantic") + " cannot be created: "
                        + root + " is not writable")
                .hasMessageNotContaining("logs.spool_dir:");
        // With the store and the cache on the volume too, it starts.
        GatewayConfig onVolume = config("logs: {spool_dir: '" + volume.resolve("spool") + "'}\ncache_storage: {directory: '"
                + volume.resolve("cache") + "'}\n" + semanticRoute());
        assertThatCode(() -> StateDirs.check(StateDirs.of(onVolume), p -> p.startsWith(volume))).doesNotThrowAnyException();
    }

    @Test
    void aGatewayWhoseLogStoreCannotBeWrittenRefusesToStartBeforeWritingAnything(@org.junit.jupiter.api.io.TempDir Path dir)
            throws IOException {
        // A file where the directory should be stands in for a read-only path (tests may run as root,
        // whom permissions do not stop).
        Path blocker = Files.writeString(dir.resolve("blocker"), "not a directory");
        Path spool = dir.resolve("state/spool");
        assertThatThrownBy(() -> GatewayHarness.start("logs: {spool_dir: '" + spool + "', store: {path: '" + blocker.resolve("logs.db") + "'}}\n",
                dev.fairway.mock.MockOptions.defaults()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("logs.store.path: " + blocker + " is not a directory");
        assertThat(dir.resolve("state")).as("nothing written before the check").doesNotExist();
    }

    @Test
    void aGatewayWhoseSemanticIndexCannotBeWrittenRefusesToStartRatherThanIndexInMemory(@org.junit.jupiter.api.io.TempDir Path dir)
            throws IOException {
        Path blocker = Files.writeString(dir.resolve("blocker"), "not a directory");
        Path spool = dir.resolve("state/spool");
        assertThatThrownBy(() -> GatewayHarness.start("logs: {spool_dir: '" + spool + "'}\ncache_storage: {directory: '"
                + blocker.resolve("cache") + "'}\n" + semanticRoute(), dev.fairway.mock.MockOptions.defaults()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cache_storage.directory (semantic index): " + blocker.resolve("cache/semantic")
                        + " cannot be created: " + blocker + " is not a directory");
        assertThat(dir.resolve("state")).as("nothing written before the check").doesNotExist();
    }
}
