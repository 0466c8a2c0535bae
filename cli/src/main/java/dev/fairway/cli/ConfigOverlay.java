package dev.fairway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.fairway.config.ConfigException;
import java.io.IOException;
import java.util.Map;

/**
 * Applies command-line overrides to configuration text before it is loaded, so that the loader's
 * validation and error paths see one document, whatever its source.
 */
final class ConfigOverlay {
    /** Where each provider's API lives on the mock: the mock matches on path suffixes. */
    private static final Map<String, String> DEMO_PATHS = Map.ofEntries(
            Map.entry("openai", "/v1"), Map.entry("anthropic", ""), Map.entry("google-ai-studio", ""),
            Map.entry("mistral", "/v1"), Map.entry("groq", "/openai/v1"), Map.entry("deepseek", ""),
            Map.entry("cohere", ""), Map.entry("perplexity-ai", ""), Map.entry("openrouter", "/api/v1"),
            Map.entry("grok", "/v1"), Map.entry("cerebras", "/v1"), Map.entry("huggingface", ""),
            Map.entry("azure-openai", "/openai/deployments/{deployment}"), Map.entry("aws-bedrock", ""));

    private ConfigOverlay() {}

    /**
     * @param demoBaseUrl the mock provider every provider is pointed at, or null
     * @param demoState with a demo, the directory that holds its spool and cache unless the
     *     configuration names them: two demos, even in one working directory, never share state
     */
    static String apply(String text, String host, Integer port, Integer adminPort, String demoBaseUrl, java.nio.file.Path demoState) {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        JsonNode parsed;
        try {
            parsed = yaml.readTree(text);
        } catch (IOException e) {
            throw new ConfigException("not valid YAML or JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (parsed == null || parsed.isMissingNode() || parsed.isNull()) {
            parsed = yaml.createObjectNode();
        }
        if (!(parsed instanceof ObjectNode root)) {
            throw new ConfigException("(top level): expected object");
        }
        if (host != null || port != null || adminPort != null) {
            ObjectNode server = root.with("server");
            if (host != null) {
                server.put("host", host);
            }
            if (port != null) {
                server.put("port", port);
            }
            if (adminPort != null) {
                server.put("admin_port", adminPort);
            }
        }
        if (demoBaseUrl != null) {
            ObjectNode providers = root.with("providers");
            DEMO_PATHS.forEach((slug, path) -> providers.with(slug)
                    .put("base_url", demoBaseUrl + path)
                    .put("api_key", "demo-key-not-secret"));
            if (demoState != null) {
                ObjectNode logs = root.with("logs");
                if (!logs.has("spool_dir")) {
                    logs.put("spool_dir", demoState.resolve("spool").toString());
                }
                ObjectNode cache = root.with("cache_storage");
                if (!cache.has("directory")) {
                    cache.put("directory", demoState.resolve("cache").toString());
                }
            }
        }
        try {
            return yaml.writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot render configuration", e);
        }
    }
}
