package dev.fairway.metrics;

import dev.fairway.plan.PlannedTarget;
import dev.fairway.provider.UpstreamTarget;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Names and bucket bounds of the OpenTelemetry GenAI semantic conventions (its gen-ai-spans and
 * gen-ai-metrics documents), shared by the Prometheus metrics and the trace spans. Provider names
 * ({@code gen_ai.provider.name}, which replaced {@code gen_ai.system}) come from
 * {@code gen_ai_provider.properties} beside this class; a provider it does not list is named by its slug.
 */
public final class GenAiNames {
    /** The conventions' advised bounds for gen_ai.client.token.usage. */
    public static final List<Double> TOKEN_BOUNDS = List.of(1d, 4d, 16d, 64d, 256d, 1024d, 4096d, 16384d, 65536d, 262144d,
            1048576d, 4194304d, 16777216d, 67108864d);
    /** The conventions' advised bounds for gen_ai.client.operation.duration, in seconds. */
    public static final List<Double> DURATION_BOUNDS = List.of(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24,
            20.48, 40.96, 81.92);
    /** The conventions' advised bounds for gen_ai.server.time_to_first_token, in seconds. */
    public static final List<Double> TTFT_BOUNDS = List.of(0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0,
            2.5, 5.0, 7.5, 10.0);

    private static final Map<String, String> PROVIDERS = load();

    private GenAiNames() {}

    /** The conventions' provider name for a provider slug ({@code aws-bedrock} is {@code aws.bedrock}). */
    public static String providerName(String slug) {
        return slug == null ? LabelCap.UNKNOWN : PROVIDERS.getOrDefault(slug, slug);
    }

    /**
     * The conventions' operation for what {@code target} is asked: {@code embeddings},
     * {@code text_completion}, {@code generate_content} (Google's API), else {@code chat} for an
     * inference call; another call (a model list) is named by its key operation.
     */
    public static String operationName(String method, PlannedTarget target) {
        if (target.translator() != null) {
            return "chat";
        }
        UpstreamTarget t = target.target();
        String path = t.apiPath() == null ? "" : t.apiPath();
        if (path.endsWith("chat/completions")) {
            return "chat"; // the common case, decided without matching the key operations' patterns
        }
        String op = t.provider().keyOperations().match(method, path);
        if ("embeddings".equals(op) || path.endsWith("embeddings")) {
            return "embeddings";
        }
        if (path.endsWith("completions") && !path.endsWith("chat/completions")) {
            return "text_completion";
        }
        if (path.contains("generateContent")) {
            return "generate_content";
        }
        return op == null || "inference".equals(op) ? "chat" : op;
    }

    private static Map<String, String> load() {
        Properties p = new Properties();
        try (InputStream in = GenAiNames.class.getResourceAsStream("gen_ai_provider.properties")) {
            if (in == null) {
                throw new IllegalStateException("gen_ai_provider.properties is missing");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> m = new HashMap<>();
        p.forEach((k, v) -> m.put((String) k, (String) v));
        return Map.copyOf(m);
    }
}
