package dev.fairway.bench;

import java.nio.file.Path;

/** The gateway configurations the benchmarks run on, as YAML, the way an operator writes them. */
public final class BenchConfigs {
    private BenchConfigs() {}

    /**
     * One route with a request quota and the cache on; logs off (their cost is measured on its own),
     * memory-only cache storage so that no benchmark writes a disk tier.
     */
    public static String decision(Path dir) {
        return """
                logs: {spool_dir: "%s"}
                cache_storage: {heap_entries: 1000, off_heap_mb: 0, disk_mb: 0, directory: "%s"}
                routes:
                  - name: chat
                    providers: {openai: {base_url: "http://127.0.0.1:9/v1"}}
                    logging: {enabled: false}
                    quotas:
                      - {name: per-client, key: [client], limit: 1000000000, window: 60s}
                    cache: {enabled: true}
                """.formatted(dir.resolve("spool"), dir.resolve("cache"));
    }

    /** As {@link #decision} with the route's logs on, the default for a served route. */
    public static String withLogs(Path dir) {
        return decision(dir).replace("logging: {enabled: false}", "logging: {enabled: true}");
    }

    /**
     * Three rules of the three kinds (requests, tokens, cost) on different keys; limits so large
     * that no benchmark exhausts them. {@code redisUri} null keeps buckets in memory.
     */
    public static String quotas(Path dir, String redisUri) {
        String redis = redisUri == null ? "" : "redis: {uri: \"" + redisUri + "\"}\n";
        return redis + """
                logs: {spool_dir: "%s"}
                routes:
                  - name: chat
                    providers: {openai: {base_url: "http://127.0.0.1:9/v1"}}
                    logging: {enabled: false}
                    quotas:
                      - {name: per-client, key: [client], limit: 1000000000, window: 60s}
                      - {name: per-model-tokens, key: [client, model], unit: total_tokens, limit: 10000000000, window: 1h, technique: sliding}
                      - {name: daily-spend, key: [client], unit: cost_usd, limit: 1000000, window: 1d}
                """.formatted(dir.resolve("spool"));
    }
}
