package dev.fairway.headers;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.fairway.error.GatewayError;
import dev.fairway.http.Headers;
import java.io.IOException;
import java.util.Locale;

/**
 * Parses the {@code cf-aig-*} request headers (README.md, "cf-aig-* request headers") into one {@link CfAigHeaders}.
 * Cloudflare acts on the values it understands and ignores the rest, so by default a value the
 * gateway cannot act on is ignored (or clamped into range, or cut to five metadata entries) and
 * listed in {@link CfAigHeaders#notes()}; with {@code strict} (a route's {@code strict_headers}) it
 * is a 400 naming the header. {@code cf-aig-authorization} and {@code cf-aig-byok-alias} choose
 * credentials and are refused when malformed in either mode. Unknown {@code cf-aig-*} headers are
 * ignored here; the dispatcher never forwards any of them.
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

    /** Strict parsing: every bad value is a 400. */
    public static CfAigHeaders parse(Headers h) {
        return parse(h, true);
    }

    public static CfAigHeaders parse(Headers h, boolean strict) {
        if (!hasAny(h)) {
            return CfAigHeaders.NONE;
        }
        HeaderReader r = new HeaderReader(strict);
        return new CfAigHeaders(
                cacheTtl(h, r),
                bool(h, "cf-aig-skip-cache", "cf-skip-cache", r),
                text(h, "cf-aig-cache-key", 1024, r),
                MetadataHeader.parse(h.get("cf-aig-metadata"), MAX_METADATA_ENTRIES, r),
                bool(h, "cf-aig-collect-log", null, r),
                bool(h, "cf-aig-collect-log-payload", null, r),
                integer(h, "cf-aig-request-timeout", 1, MAX_REQUEST_TIMEOUT_MS, "milliseconds to first byte", r),
                integer(h, "cf-aig-max-attempts", 1, MAX_ATTEMPTS, "attempts", r),
                integer(h, "cf-aig-retry-delay", 0, MAX_RETRY_DELAY_MS, "milliseconds", r),
                backoff(h.get("cf-aig-backoff"), r),
                customCost(h.get("cf-aig-custom-cost"), r),
                text(h, "cf-aig-event-id", MAX_TEXT, r),
                authorization(h.get("cf-aig-authorization")),
                text(h, "cf-aig-byok-alias", MAX_TEXT, new HeaderReader(true)),
                r.notes());
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

    /** 0 means "do not cache this request"; other values are 60 s to one month (Cloudflare's range). */
    private static Integer cacheTtl(Headers h, HeaderReader r) {
        String name = h.contains("cf-aig-cache-ttl") ? "cf-aig-cache-ttl" : "cf-cache-ttl";
        String v = h.get(name);
        if (v != null && v.trim().equals("0")) {
            return 0;
        }
        return integer(h, name, MIN_CACHE_TTL, MAX_CACHE_TTL, "seconds, or 0", r);
    }

    /**
     * A whole number in {@code min..max}. Below {@code min} it is clamped only when it still means
     * something (a positive TTL, a positive timeout); a count or delay below its minimum is ignored.
     */
    private static Integer integer(Headers h, String name, int min, int max, String unit, HeaderReader r) {
        String v = h.get(name);
        if (v == null) {
            return null;
        }
        long n;
        try {
            n = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return r.reject(name, String.format("%s: %s (expected: a whole number of %s, %d to %d)", name, quote(v), unit, min, max));
        }
        if (n > max || n < min && n > 0 && min > 1) {
            return r.clamp(name, n, min, max, unit);
        }
        if (n < min) {
            return r.reject(name, String.format("%s: %d (expected: %d to %d %s)", name, n, min, max, unit));
        }
        return (int) n;
    }

    private static Boolean bool(Headers h, String name, String legacy, HeaderReader r) {
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
        return r.reject(used, String.format("%s: %s (expected: true or false)", used, quote(v)));
    }

    private static String text(Headers h, String name, int maxLength, HeaderReader r) {
        String v = h.get(name);
        if (v == null) {
            return null;
        }
        String t = v.trim();
        if (t.isEmpty() || t.length() > maxLength || !t.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            return r.reject(name, String.format("%s: expected 1 to %d printable ASCII characters", name, maxLength));
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

    private static Backoff backoff(String v, HeaderReader r) {
        if (v == null) {
            return null;
        }
        try {
            return Backoff.valueOf(v.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return r.reject("cf-aig-backoff", String.format("cf-aig-backoff: %s (expected: constant, linear or exponential)", quote(v)));
        }
    }

    private static CustomCost customCost(String v, HeaderReader r) {
        if (v == null) {
            return null;
        }
        try {
            return customCost(v);
        } catch (GatewayError e) {
            return r.reject(e, "cf-aig-custom-cost", e.getMessage());
        }
    }

    private static CustomCost customCost(String v) {
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
        return MetadataHeader.quote(v);
    }
}
