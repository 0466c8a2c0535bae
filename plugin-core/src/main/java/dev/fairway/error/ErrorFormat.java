package dev.fairway.error;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How a route words the errors the gateway answers itself; the status code is the same in both. */
public enum ErrorFormat {
    /** {@code {"error":{"type":...,"<header|field|rule>":...,"message":...}}}: names what was wrong. */
    FAIRWAY,
    /** Cloudflare AI Gateway's envelope and numeric codes ({@link CloudflareCode}), for clients that check them. */
    CLOUDFLARE;

    @JsonValue
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
