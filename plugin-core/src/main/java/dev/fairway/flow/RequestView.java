package dev.fairway.flow;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fairway.http.Headers;
import java.util.Map;

/**
 * What a flow may read of a request: {@code metadata.<key>} (cf-aig-metadata), {@code headers.<name>}
 * and {@code body.<path>} (a dotted path into the JSON body). A value that is absent reads as null.
 */
public final class RequestView {
    private final Map<String, Object> metadata;
    private final Headers headers;
    private final JsonNode body;

    public RequestView(Map<String, Object> metadata, Headers headers, JsonNode body) {
        this.metadata = requireNonNull(metadata, "metadata");
        this.headers = requireNonNull(headers, "headers");
        this.body = body;
    }

    /**
     * The value of a field expression: a String, Long, Double, Boolean, or null when absent. A body
     * field that is an object or array reads as its JSON text.
     */
    Object value(Field field) {
        return switch (field.source()) {
            case METADATA -> metadata.get(field.name());
            case HEADERS -> headers.get(field.name());
            case BODY -> scalar(at(body, field.path()));
        };
    }

    private static JsonNode at(JsonNode node, String[] path) {
        JsonNode n = node;
        for (String p : path) {
            if (n == null) {
                return null;
            }
            n = n.isArray() && p.chars().allMatch(Character::isDigit) && p.length() < 10 ? n.get(Integer.parseInt(p)) : n.get(p);
        }
        return n;
    }

    private static Object scalar(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return null;
        }
        if (n.isTextual()) {
            return n.textValue();
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isIntegralNumber() && n.canConvertToLong()) {
            return n.longValue();
        }
        if (n.isNumber()) {
            return n.doubleValue();
        }
        return n.toString();
    }

    /** A parsed field expression. */
    record Field(Source source, String name, String[] path) {
        enum Source { METADATA, HEADERS, BODY }

        /** {@code metadata.user_id}, {@code headers.x-tier}, {@code body.model}; null when {@code text} is none of these. */
        static Field parse(String text) {
            int dot = text == null ? -1 : text.indexOf('.');
            if (dot <= 0 || dot == text.length() - 1) {
                return null;
            }
            String rest = text.substring(dot + 1);
            return switch (text.substring(0, dot)) {
                case "metadata" -> new Field(Source.METADATA, rest, null);
                case "headers", "header" -> new Field(Source.HEADERS, rest.toLowerCase(java.util.Locale.ROOT), null);
                case "body" -> rest.contains("..") || rest.endsWith(".") ? null : new Field(Source.BODY, rest, rest.split("\\."));
                default -> null;
            };
        }

        @Override
        public String toString() {
            return source.name().toLowerCase(java.util.Locale.ROOT) + "." + name;
        }
    }
}
