package dev.fairway.provider;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * One row of {@code providers.json}, bound as it is written: every fact the gateway knows about a
 * built-in provider is a field here, and an unknown or mistyped field fails the build's tests
 * rather than being ignored.
 */
record ProviderRow(
        @JsonProperty(value = "slug", required = true) String slug,
        @JsonProperty(value = "base_url", required = true) String baseUrl,
        @JsonProperty(value = "auth", required = true) AuthStyle auth,
        @JsonProperty(value = "format", required = true) WireFormat format,
        @JsonProperty("regions") List<String> regions,
        @JsonProperty("aliases") List<String> aliases,
        @JsonProperty("optional_prefixes") List<String> optionalPrefixes,
        @JsonProperty("path_template") String pathTemplate,
        @JsonProperty("consume_template") boolean consumeTemplate,
        @JsonProperty("model_in_path") String modelInPath,
        @JsonProperty("model_from_var") String modelFromVar,
        @JsonProperty("stream_markers") List<String> streamMarkers,
        @JsonProperty("other_paths_base_url") String otherPathsBaseUrl,
        @JsonProperty("base_url_when") Map<String, String> baseUrlWhen,
        @JsonProperty("param_defaults") Map<String, String> paramDefaults,
        @JsonProperty("model_path") String modelPath,
        @JsonProperty("key_operations") Map<String, List<String>> keyOperations,
        @JsonProperty("accepts_stream_options") boolean acceptsStreamOptions,
        @JsonProperty("sigv4_service") String sigv4Service,
        @JsonProperty("model_authors") List<String> modelAuthors,
        @JsonProperty("model_keeps_author") boolean modelKeepsAuthor) {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    ProviderRow {
        aliases = aliases == null ? List.of() : List.copyOf(aliases);
    }

    Provider provider() {
        return new Provider(slug, baseUrl, auth, format, regions, optionalPrefixes, pathTemplate, consumeTemplate,
                modelInPath, modelFromVar, streamMarkers, false, otherPathsBaseUrl, baseUrlWhen, paramDefaults, modelPath,
                KeyOperations.of(keyOperations == null ? Map.of() : keyOperations),
                acceptsStreamOptions, sigv4Service, modelAuthors, modelKeepsAuthor);
    }

    /** The rows shipped in {@code providers.json}, in file order. */
    static List<ProviderRow> builtIn() {
        try (InputStream in = ProviderRow.class.getResourceAsStream("providers.json")) {
            return read(requireNonNull(in, "providers.json"));
        } catch (IOException e) {
            throw new UncheckedIOException("providers.json is unreadable: " + e.getMessage(), e);
        }
    }

    static List<ProviderRow> read(InputStream json) throws IOException {
        List<ProviderRow> rows = MAPPER.readValue(json, new TypeReference<List<ProviderRow>>() {});
        rows.forEach(ProviderRow::provider);
        return rows;
    }
}
