package dev.fairway.headers;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.fairway.error.GatewayError;
import dev.fairway.http.Headers;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Parses the {@code cf-aig-*} request headers (README.md, "cf-aig-* request headers") into one {@link CfAigHeaders}.
 * Every bad value is a 400 naming the header and the form it expects. Unknown {@code cf-aig-*}
 * headers are ignored here; the dispatcher never forwards any of them.
 */
public final class CfAigHeaderParser {
    public static final int MIN_CACHE_TTL = 60;
    public static final int MAX_CACHE_TTL = 2_592_000; // 30 days: Cloudflare's "one month"
    public static final int MAX_ATTEMPTS = 5;
    public static final int MAX_RETRY_DELAY_MS = 5_000;
    public static final int MAX_REQUEST_TIMEOUT_MS = 3_600_000;
    public static final int MAX_METADATA_ENTRIES = 5;
    private static final int MAX_TEXT = 256;
    private static final JsonFactory JSON = new JsonFactory();

    private CfAigHeaderParser() {}

    public static CfAigHeaders parse(Headers h) {
        if (!hasAny(h)) {
            return CfAigHeaders.NONE;
        }
        return new CfAigHeaders(
                cacheTtl(h),
                bool(h, "cf-aig-skip-cache", "cf-skip-cache"),
                text(h, "cf-aig-cache-key", 1024),
                metadata(h.get("cf-aig-metadata")),
                bool(h, "cf-aig-collect-log", null),
                bool(h, "cf-aig-collect-log-payload", null),
                integer(h, "cf-aig-request-timeout", 1, MAX_REQUEST_TIMEOUT_MS, "milliseconds to first byte"),
                integer(h, "cf-aig-max-attempts", 1, MAX_ATTEMPTS, "attempts"),
                integer(h, "cf-aig-retry-delay", 0, MAX_RETRY_DELAY_MS, "milliseconds"),
                backoff(h.get("cf-aig-backoff")),
                customCost(h.get("cf-aig-custom-cost")),
                text(h, "cf-aig-event-id", MAX_TEXT),
                authorization(h.get("cf-aig-authorization")),
                text(h, "cf-aig-byok-alias", MAX_TEXT));
    }

    /** Whether the header is one of ours, which is never forwarded upstream. */
    public static boolean isGatewayHeader(String lowerCaseName) {
        return lowerCaseName.startsWith("cf-aig-") || lowerCaseName.equals("cf-cache-ttl") || lowerCaseName.equals("cf-skip-cache");
    }

    private static boolean hasAny(Headers h) {
        for (int i = 0; i < h.size(); i++) {
            if (isGatewayHeader(h.name(i))) {
                return true;
            }
        }
        return false;
    }

    private static Integer cacheTtl(Headers h) {
        String name = h.contains("cf-aig-cache-ttl") ? "cf-aig-cache-ttl" : "cf-cache-ttl";
        return integer(h, name, MIN_CACHE_TTL, MAX_CACHE_TTL, "seconds");
    }

    private static Integer integer(Headers h, String name, int min, int max, String unit) {
        String v = h.get(name);
        if (v == null) {
            return null;
        }
        long n;
        try {
            n = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw GatewayError.invalidHeader(name, String.format("%s: %s (expected: a whole number of %s, %d to %d)", name, quote(v), unit, min, max));
        }
        if (n < min || n > max) {
            throw GatewayError.invalidHeader(name, String.format("%s: %d (expected: %d to %d %s)", name, n, min, max, unit));
        }
        return (int) n;
    }

    private static Boolean bool(Headers h, String name, String legacy) {
        String used = h.contains(name) || legacy == null ? name : legacy;
        String v = h.get(used);
        if (v == null) {
            return null;
        }
        String t = v.trim().toLowerCase(Locale.ROOT);
        if (t.equals("true")) {
            return Boolean.TRUE;
        }
        if (t.equals("false")) {
            return Boolean.FALSE;
        }
        throw GatewayError.invalidHeader(used, String.format("%s: %s (expected: true or false)", used, quote(v)));
    }

    private static String text(Headers h, String name, int maxLength) {
        String v = h.get(name);
        if (v == null) {
            return null;
        }
        String t = v.trim();
        if (t.isEmpty() || t.length() > maxLength || !t.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw GatewayError.invalidHeader(name, String.format("%s: expected 1 to %d printable ASCII characters", name, maxLength));
        }
        return t;
    }

    private static String authorization(String v) {
        if (v == null) {
            return null;
        }
        String t = v.trim();
        if (t.regionMatches(true, 0, "Bearer ", 0, 7) && t.length() > 7 && !t.substring(7).isBlank()) {
            return t.substring(7).trim();
        }
        // The value may be a token: it is never echoed back.
        throw GatewayError.invalidHeader("cf-aig-authorization", "cf-aig-authorization: expected the form 'Bearer <token>'");
    }

    private static Backoff backoff(String v) {
        if (v == null) {
            return null;
        }
        try {
            return Backoff.valueOf(v.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw GatewayError.invalidHeader("cf-aig-backoff", String.format("cf-aig-backoff: %s (expected: constant, linear or exponential)", quote(v)));
        }
    }

    private static Map<String, Object> metadata(String v) {
        if (v == null) {
            return Map.of();
        }
        String name = "cf-aig-metadata";
        Map<String, Object> out = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(v)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw GatewayError.invalidHeader(name, name + ": expected a JSON object such as {\"user\":\"alice\"}");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken t = p.nextToken();
                Object value = switch (t) {
                    case VALUE_STRING -> p.getText();
                    case VALUE_NUMBER_INT -> p.getLongValue();
                    case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
                    case VALUE_TRUE, VALUE_FALSE -> p.getBooleanValue();
                    default -> throw GatewayError.invalidHeader(name, String.format(
                            "%s: value of %s must be a string, number or boolean", name, quote(key))).with("key", key);
                };
                if (out.put(key, value) != null) {
                    throw GatewayError.invalidHeader(name, String.format("%s: key %s appears twice", name, quote(key))).with("key", key);
                }
                if (out.size() > MAX_METADATA_ENTRIES) {
                    throw GatewayError.invalidHeader(name, String.format("%s: at most %d entries", name, MAX_METADATA_ENTRIES));
                }
            }
            if (p.nextToken() != null) {
                throw GatewayError.invalidHeader(name, name + ": unexpected content after the JSON object");
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw GatewayError.invalidHeader(name, name + ": not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw GatewayError.invalidHeader(name, name + ": not valid JSON");
        }
        return Collections.unmodifiableMap(out);
    }

    private static CustomCost customCost(String v) {
        if (v == null) {
            return null;
        }
        String name = "cf-aig-custom-cost";
        String expected = name + ": expected {\"per_token_in\":x,\"per_token_out\":y} or {\"total_cost\":x} with non-negative numbers";
        Double in = null;
        Double out = null;
        Double total = null;
        try (JsonParser p = JSON.createParser(v)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw GatewayError.invalidHeader(name, expected);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken t = p.nextToken();
                if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT || p.getDoubleValue() < 0
                        || !Double.isFinite(p.getDoubleValue())) {
                    throw GatewayError.invalidHeader(name, expected);
                }
                double d = p.getDoubleValue();
                switch (key) {
                    case "per_token_in" -> in = d;
                    case "per_token_out" -> out = d;
                    case "total_cost" -> total = d;
                    default -> throw GatewayError.invalidHeader(name, name + ": unknown key " + quote(key) + "; " + expected.substring(name.length() + 2));
                }
            }
        } catch (IOException e) {
            throw GatewayError.invalidHeader(name, expected);
        }
        boolean perToken = in != null || out != null;
        if (perToken == (total != null)) {
            throw GatewayError.invalidHeader(name, expected);
        }
        return new CustomCost(in, out, total);
    }

    private static String quote(String v) {
        String s = v.length() > 40 ? v.substring(0, 40) + "..." : v;
        return "'" + s + "'";
    }
}
