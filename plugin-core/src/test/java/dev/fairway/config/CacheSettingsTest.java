package dev.fairway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheSettingsTest {
    private final ConfigLoader loader = ConfigLoader.withEnv(Map.of());

    @Test
    void cachingIsOffUnlessARouteTurnsItOn() {
        GatewayConfig config = loader.parse("routes: [{name: a}, {name: b, prefix: /b, cache: {enabled: true, default_ttl_seconds: 3600}}]");

        assertThat(config.routes().get(0).cache()).isEqualTo(new CacheSettings(false, 300, 1024 * 1024, 30_000, false, true, SemanticCacheSettings.defaults()));
        assertThat(config.routes().get(1).cache().enabled()).isTrue();
        assertThat(config.routes().get(1).cache().defaultTtlSeconds()).isEqualTo(3600);
        assertThat(ConfigLoader.defaults().routes().get(0).cache().enabled()).isFalse();
    }

    @Test
    void storageDefaultsToAllThreeTiersUnderTheWorkingDirectory() {
        CacheStorageSettings s = ConfigLoader.defaults().cacheStorage();
        assertThat(s).isEqualTo(new CacheStorageSettings(1000, 64, 512, ".fairway/cache", 2, SharedCacheSettings.defaults(), 100_000, SemanticEmbedderSettings.defaults()));
    }

    @Test
    void badRouteSettingsNameTheirField() {
        assertThatThrownBy(() -> loader.parse("routes: [{cache: {default_ttl_seconds: 59, max_entry_bytes: 0, single_flight_wait_ms: -1}}]"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("routes[0].cache.default_ttl_seconds: 59 (expected: 60..2592000)")
                .hasMessageContaining("routes[0].cache.max_entry_bytes: 0 (expected: 1..67108864)")
                .hasMessageContaining("routes[0].cache.single_flight_wait_ms: -1 (expected: 0..600000)");
        assertThatThrownBy(() -> loader.parseRoute("cache: {enabled: yes please}"))
                .hasMessageContaining("cache.enabled");
        assertThatThrownBy(() -> loader.parseRoute("cache: {ttl: 60}"))
                .hasMessageContaining("cache.ttl: unknown field");
    }

    @Test
    void badStorageSettingsNameTheirField() {
        assertThatThrownBy(() -> loader.parse("cache_storage: {heap_entries: 0, off_heap_mb: 64, disk_mb: 32, directory: ' ', io_threads: 17}"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cache_storage.heap_entries: 0 (expected: > 0)")
                .hasMessageContaining("cache_storage.disk_mb: 32 (expected: 0 or > off_heap_mb 64)")
                .hasMessageContaining("cache_storage.directory: must not be blank")
                .hasMessageContaining("cache_storage.io_threads: 17 (expected: 1..16)");
    }

    @Test
    void theSharedTierNeedsRedisAndNamesItsFields() {
        assertThatThrownBy(() -> loader.parse("cache_storage: {shared: {enabled: true}}"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cache_storage.shared.enabled: true needs the top-level redis setting");
        assertThatThrownBy(() -> loader.parse("redis: {uri: 'redis://127.0.0.1:6379'}\ncache_storage: {shared: {enabled: true, poll_ms: 2, key_prefix: ' '}}"))
                .hasMessageContaining("cache_storage.shared.poll_ms: 2 (expected: 5..1000)")
                .hasMessageContaining("cache_storage.shared.key_prefix");
        GatewayConfig ok = loader.parse("redis: {uri: 'redis://127.0.0.1:6379'}\ncache_storage: {shared: {enabled: true}}");
        assertThat(ok.cacheStorage().shared()).isEqualTo(new SharedCacheSettings(true, "fairway:cache:", 50, 4096));
    }

    @Test
    void everyCacheSettingIsDocumented() {
        for (Class<?> type : new Class<?>[] {CacheSettings.class, CacheStorageSettings.class, SharedCacheSettings.class}) {
            for (var component : type.getRecordComponents()) {
                assertThat(component.getAnnotation(Doc.class)).as(type.getSimpleName() + "." + component.getName()).isNotNull();
            }
        }
    }
}
