package dev.fairway.headers;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.fairway.error.GatewayError;
import java.io.IOException;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code cf-aig-metadata}: a flat JSON object of string, number and boolean values. Cloudflare
 * (AI Gateway "Custom metadata") saves the first five entries and ignores the rest, and supports no
 * objects as values; so, unless the route is strict, a sixth entry onwards is dropped and a value
 * it cannot store (object, array, null) or a value that is not JSON makes the whole header ignored.
 * Keys under {@value #RESERVED} are the gateway's own dimensions (the experiment arm
 * {@code fairway.experiment.<name>}, {@code fairway.prompt}, {@code fairway.flow}, ...) and are
 * refused 400 naming the key on every route, strict or not: a client's value there would be counted
 * as the gateway's choice in analytics and the logs API.
 */
final class MetadataHeader {
    static final String NAME = "cf-aig-metadata";
    /** The prefix of the metadata keys the gateway adds; a client may not send one. */
    static final String RESERVED = "fairway.";
    private static final JsonFactory JSON = new JsonFactory();

    private MetadataHeader() {}

    static Map<String, Object> parse(String v, int maxEntries, HeaderReader reader) {
        if (v == null) {
            return Map.of();
        }
        Map<String, Object> all = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(v)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return ignored(reader, NAME + ": expected a JSON object such as {\"user\":\"alice\"}");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                if (key.regionMatches(true, 0, RESERVED, 0, RESERVED.length())) {
                    throw GatewayError.invalidHeader(NAME, String.format("%s: key %s is reserved (expected: keys not starting with %s, "
                            + "which the gateway uses for its own dimensions such as fairway.experiment.<name>)", NAME, quote(key), RESERVED))
                            .with("key", key.length() > 40 ? key.substring(0, 40) + "..." : key);
                }
                JsonToken t = p.nextToken();
                Object value = switch (t) {
                    case VALUE_STRING -> p.getText();
                    case VALUE_NUMBER_INT -> p.getLongValue();
                    case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
                    case VALUE_TRUE, VALUE_FALSE -> p.getBooleanValue();
                    default -> null;
                };
                if (value == null) {
                    String message = String.format("%s: value of %s must be a string, number or boolean", NAME, quote(key));
                    return reader.reject(GatewayError.invalidHeader(NAME, message).with("key", key), NAME, message);
                }
                if (all.containsKey(key)) {
                    // Lenient: the last value wins, as with JavaScript's JSON.parse; strict routes keep the 400.
                    reader.refuseIfStrict(GatewayError.invalidHeader(NAME,
                            String.format("%s: key %s appears twice", NAME, quote(key))).with("key", key));
                }
                all.put(key, value);
            }
            if (p.nextToken() != null) {
                return ignored(reader, NAME + ": unexpected content after the JSON object");
            }
        } catch (JsonProcessingException e) {
            return ignored(reader, NAME + ": not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            return ignored(reader, NAME + ": not valid JSON");
        }
        if (all.size() > maxEntries) {
            reader.truncated(NAME, String.format("%s: at most %d entries", NAME, maxEntries),
                    String.format("%s: %d entries (kept the first %d)", NAME, all.size(), maxEntries));
            Map<String, Object> kept = new LinkedHashMap<>();
            Iterator<Map.Entry<String, Object>> it = all.entrySet().iterator();
            while (kept.size() < maxEntries) {
                Map.Entry<String, Object> e = it.next();
                kept.put(e.getKey(), e.getValue());
            }
            all = kept;
        }
        return Collections.unmodifiableMap(all);
    }

    private static Map<String, Object> ignored(HeaderReader reader, String message) {
        reader.reject(NAME, message);
        return Map.of();
    }

    static String quote(String v) {
        String s = v.length() > 40 ? v.substring(0, 40) + "..." : v;
        return "'" + s + "'";
    }
}
