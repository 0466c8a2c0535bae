package dev.fairway.mock;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One request as the mock received it. Immutable; safe to keep after {@link MockProvider#reset()}.
 */
public final class RecordedRequest {

    private final String method;
    private final String path;
    private final Map<String, List<String>> headers;
    private final byte[] body;
    private final String model;

    RecordedRequest(String method, String path, Map<String, List<String>> headers, byte[] body, String model) {
        this.method = Objects.requireNonNull(method, "method");
        this.path = Objects.requireNonNull(path, "path");
        Objects.requireNonNull(headers, "headers");
        // HTTP header names are case-insensitive; a sorted map with that order makes every lookup so.
        TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) ->
                copy.computeIfAbsent(name, n -> new ArrayList<>()).addAll(values));
        copy.replaceAll((name, values) -> List.copyOf(values));
        this.headers = Collections.unmodifiableMap(copy);
        this.body = Objects.requireNonNull(body, "body").clone();
        this.model = model;
    }

    /** The HTTP method, upper case. */
    public String method() {
        return method;
    }

    /** The request target as sent: path and query string, if any. */
    public String path() {
        return path;
    }

    /** All headers; lookups in this map ignore case. */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** The first value of the named header (case-insensitive), if present. */
    public Optional<String> header(String name) {
        Objects.requireNonNull(name, "name");
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** A copy of the body bytes. */
    public byte[] body() {
        return body.clone();
    }

    /** The body decoded as UTF-8. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /**
     * The model the request asked for: the body's {@code model} field, or for Google and Bedrock,
     * where the model is part of the URL, the model named in the path.
     */
    public Optional<String> model() {
        return Optional.ofNullable(model);
    }

    @Override
    public String toString() {
        return method + " " + path + (model == null ? "" : " (model " + model + ")") + ", " + body.length + " body bytes";
    }
}
