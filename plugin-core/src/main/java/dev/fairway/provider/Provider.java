package dev.fairway.provider;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * One provider, as a row of data: where it lives, how it wants its credential, which API family it
 * speaks and how its URL is built from the request path. No provider has code of its own; a new one
 * is a new row in {@code providers.json} or a {@code custom_providers} entry in config.
 *
 * @param slug the path segment that names it: {@code /openai/...}
 * @param baseUrl upstream base URL; may hold {@code {placeholders}} filled from the path template or config params
 * @param optionalPrefixes path prefixes clients may repeat that the base URL already ends with ({@code v1} for
 *     {@code https://api.openai.com/v1}), so {@code /openai/chat/completions} and {@code /openai/v1/chat/completions} agree
 * @param pathTemplate leading path segments that bind placeholders, e.g. {@code {resource}/{deployment}}
 * @param consumeTemplate whether the template's segments are removed from the upstream path
 * @param modelInPath the segment prefix the model follows in the path ({@code models/} for Google), or null
 * @param modelFromVar the placeholder that names the model (Azure's deployment), or null
 * @param streamMarkers path fragments that mean a streamed answer, for APIs that say so in the path
 * @param custom whether the row came from configuration
 * @param otherPathsBaseUrl where paths that start with none of {@code optionalPrefixes} go, or null for the base URL:
 *     Workers AI serves its OpenAI-compatible API at {@code .../ai/v1} and models at {@code .../ai/run/{model}}
 * @param baseUrlWhen base URLs that replace {@code baseUrl} when a placeholder has a value, keyed {@code name=value}:
 *     Vertex's {@code region=global} lives at {@code aiplatform.googleapis.com}, not {@code global-aiplatform...}
 * @param paramDefaults placeholder values used when neither the path nor config gives one (Vertex's region: global)
 * @param modelPath where a translated request's model goes ({@code {publisher}} and {@code {model}} filled from
 *     {@code publisher/model}), or null for the translator's own path
 * @param keyOperations what a gateway-held key may be used for ({@code key_operations}); other operations need the client's own key
 * @param acceptsStreamOptions whether its OpenAI-compatible chat endpoint takes {@code stream_options} (Mistral refuses
 *     unknown fields), so the gateway may ask it for a stream's usage
 * @param sigv4Service the AWS service name requests are signed for, for {@code sigv4} rows ({@code bedrock})
 * @param modelAuthors the model authors of the REST API ({@code /ai/v1/...}, {@code "model": "author/name"}) that
 *     name this provider besides its slug ({@code @cf} for Workers AI)
 * @param modelKeepsAuthor whether the provider's own model names keep that author ({@code @cf/meta/llama-3.1-8b-instruct})
 */
public record Provider(
        String slug,
        String baseUrl,
        AuthStyle auth,
        WireFormat format,
        List<String> regions,
        List<String> optionalPrefixes,
        String pathTemplate,
        boolean consumeTemplate,
        String modelInPath,
        String modelFromVar,
        List<String> streamMarkers,
        boolean custom,
        String otherPathsBaseUrl,
        Map<String, String> baseUrlWhen,
        Map<String, String> paramDefaults,
        String modelPath,
        KeyOperations keyOperations,
        boolean acceptsStreamOptions,
        String sigv4Service,
        List<String> modelAuthors,
        boolean modelKeepsAuthor) {

    public Provider {
        requireNonNull(slug, "slug");
        requireNonNull(baseUrl, "baseUrl");
        requireNonNull(auth, "auth");
        requireNonNull(format, "format");
        regions = List.copyOf(regions == null ? List.of() : regions);
        optionalPrefixes = List.copyOf(optionalPrefixes == null ? List.of() : optionalPrefixes);
        streamMarkers = List.copyOf(streamMarkers == null ? List.of() : streamMarkers);
        baseUrlWhen = Map.copyOf(baseUrlWhen == null ? Map.of() : baseUrlWhen);
        paramDefaults = Map.copyOf(paramDefaults == null ? Map.of() : paramDefaults);
        keyOperations = keyOperations == null ? KeyOperations.NONE : keyOperations;
        modelAuthors = List.copyOf(modelAuthors == null ? List.of() : modelAuthors);
        if (auth == AuthStyle.SIGV4 && sigv4Service == null) {
            throw new IllegalArgumentException(slug + ": sigv4_service is required for auth sigv4");
        }
    }

    /** Whether the path alone says the answer is streamed (Google's {@code :streamGenerateContent}). */
    public boolean streamsByPath(String upstreamPath) {
        for (String marker : streamMarkers) {
            if (upstreamPath.contains(marker)) {
                return true;
            }
        }
        return false;
    }
}
