package dev.fairway.kong.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.fairway.config.Doc;
import dev.fairway.config.RouteConfig;
import dev.fairway.config.Secret;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KongSchemaTest {

    enum Mode { FAST, @JsonProperty("slow-ish") SLOW }

    enum Unit {
        REQUESTS, TOTAL_TOKENS;

        @com.fasterxml.jackson.annotation.JsonValue
        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    enum Free {
        A;

        @com.fasterxml.jackson.annotation.JsonCreator
        static Free parse(String s) {
            return A;
        }
    }

    /** Read from a string, as the core's token hashes and model patterns are. */
    static final class Pattern {
        private Pattern() {}

        @com.fasterxml.jackson.annotation.JsonCreator
        static Pattern of(String text) {
            return new Pattern();
        }
    }

    record Limit(
            @Doc("Requests per window.") Long requests,
            @Doc(value = "Window in seconds.", defaultValue = "60") Integer windowSeconds) {}

    record Sample(
            @Doc(value = "A name.", defaultValue = "x") String name,
            @Doc("A key.") Secret apiKey,
            @Doc(value = "Count.", defaultValue = "3") Integer count,
            @Doc(value = "Bytes.", defaultValue = "10_000") Long maxBytes,
            @Doc(value = "Ratio.", defaultValue = "0.5") Double ratio,
            @Doc(value = "On.", defaultValue = "true") Boolean enabled,
            @Doc(value = "Mode.", defaultValue = "slow-ish") Mode mode,
            @Doc("One limit.") Limit limit,
            @Doc(value = "Limits.", defaultValue = "[]") List<Limit> limits,
            @Doc(value = "Regions.", defaultValue = "[ch, eu]") List<String> regions,
            @Doc("Tags.") Set<String> tags,
            @Doc("Limits by name.") Map<String, Limit> named,
            @Doc(value = "Labels.", defaultValue = "{}") Map<String, String> labels,
            @Doc(value = "Retries.", defaultValue = "many") Integer retries,
            @Doc("Models.") List<Pattern> models,
            @Doc("Unit.") Unit unit,
            @Doc("Free.") Free free,
            @JsonProperty(value = "slug", required = true) @Doc("Required slug.") String theSlug) {}

    @Test
    void everyComponentTypeMapsToKongsDsl() {
        Map<String, Object> schema = KongSchema.plugin("sample", Sample.class);

        Map<String, Object> limit = map(
                "type", "record",
                "fields", List.of(
                        Map.of("requests", map("type", "integer", "description", "Requests per window.")),
                        Map.of("window_seconds", map("type", "integer", "description", "Window in seconds. Default: 60."))));
        Map<String, Object> limitField = new LinkedHashMap<>(limit);
        Map<String, Object> config = map(
                "type", "record",
                "required", true,
                "fields", List.of(
                        Map.of("name", map("type", "string", "description", "A name. Default: x.")),
                        Map.of("api_key", map("type", "string", "description", "A key.", "referenceable", true, "encrypted", true)),
                        Map.of("count", map("type", "integer", "description", "Count. Default: 3.")),
                        Map.of("max_bytes", map("type", "integer", "description", "Bytes. Default: 10_000.")),
                        Map.of("ratio", map("type", "number", "description", "Ratio. Default: 0.5.")),
                        Map.of("enabled", map("type", "boolean", "description", "On. Default: true.")),
                        Map.of("mode", map("type", "string", "description", "Mode. Default: slow-ish.", "one_of", List.of("FAST", "slow-ish"))),
                        Map.of("limit", map("type", "record", "description", "One limit.", "fields", limit.get("fields"))),
                        Map.of("limits", map("type", "array", "description", "Limits. Default: [].", "elements", limitField)),
                        Map.of("regions", map("type", "array", "description", "Regions. Default: [ch, eu].",
                                "elements", map("type", "string"))),
                        Map.of("tags", map("type", "set", "description", "Tags.", "elements", map("type", "string"))),
                        Map.of("named", map("type", "map", "description", "Limits by name.", "keys", map("type", "string"), "values", limitField)),
                        Map.of("labels", map("type", "map", "description", "Labels. Default: {}.",
                                "keys", map("type", "string"), "values", map("type", "string"))),
                        Map.of("retries", map("type", "integer", "description", "Retries. Default: many.")),
                        Map.of("models", map("type", "array", "description", "Models.", "elements", map("type", "string"))),
                        Map.of("unit", map("type", "string", "description", "Unit.", "one_of", List.of("requests", "total_tokens"))),
                        Map.of("free", map("type", "string", "description", "Free.")),
                        Map.of("slug", map("type", "string", "required", true, "description", "Required slug."))));

        assertThat(schema).isEqualTo(map("name", "sample", "fields", List.of(Map.of("config", config))));
    }

    record Unsupported(@Doc("When.") java.time.Instant when) {}

    record MapWithIntKeys(@Doc("By number.") Map<Integer, String> byNumber) {}

    record Undocumented(String name) {}

    @Test
    void typesKongCannotExpressAreRefusedNamingTheField() {
        assertThatThrownBy(() -> KongSchema.plugin("u", Unsupported.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("Unsupported.when: java.time.Instant has no Kong schema type");
        assertThatThrownBy(() -> KongSchema.plugin("u", MapWithIntKeys.class))
                .hasMessageStartingWith("MapWithIntKeys.by_number: java.util.Map<java.lang.Integer, java.lang.String>");
        assertThatThrownBy(() -> KongSchema.plugin("u", Undocumented.class)).hasMessage("Undocumented.name: missing @Doc");
    }

    @Test
    void namesAreSpelledAsTheCoreLoaderReadsThem() {
        var jackson = new PropertyNamingStrategies.SnakeCaseStrategy();
        List<String> names = new ArrayList<>(List.of("requestTimeoutMs", "apiKey", "awsID", "aURL", "x", "maxBodyBytes", "gatewayId"));
        collectNames(RouteConfig.class, names);
        for (String n : names) {
            assertThat(ConfigField.snakeCase(n)).as(n).isEqualTo(jackson.translate(n));
        }
    }

    private static void collectNames(Class<?> record, List<String> into) {
        for (RecordComponent c : record.getRecordComponents()) {
            into.add(c.getName());
            for (Type t : nested(c.getGenericType())) {
                if (t instanceof Class<?> k && k.isRecord()) {
                    collectNames(k, into);
                }
            }
        }
    }

    private static List<Type> nested(Type t) {
        if (t instanceof ParameterizedType p) {
            return List.of(p.getActualTypeArguments());
        }
        return List.of(t);
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
