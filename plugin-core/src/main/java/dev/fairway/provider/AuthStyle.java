package dev.fairway.provider;

import com.fasterxml.jackson.annotation.JsonCreator;
import dev.fairway.http.Headers;
import java.util.List;

/** How a provider expects its credential. */
public enum AuthStyle {
    BEARER("bearer", "authorization", "Bearer "),
    X_API_KEY("x-api-key", "x-api-key", ""),
    API_KEY("api-key", "api-key", ""),
    X_GOOG_API_KEY("x-goog-api-key", "x-goog-api-key", ""),
    SIGV4("sigv4", "authorization", null),
    /** Bearer access tokens; a service-account JSON key in their place is exchanged for one at dispatch. */
    GOOGLE_OAUTH("google-oauth", "authorization", "Bearer "),
    NONE("none", null, null);

    /** Every header a client may carry a provider credential in; all are replaced when the gateway holds the key. */
    public static final List<String> CREDENTIAL_HEADERS = List.of("authorization", "x-api-key", "api-key", "x-goog-api-key");

    private final String configName;
    private final String header;
    private final String valuePrefix;

    AuthStyle(String configName, String header, String valuePrefix) {
        this.configName = configName;
        this.header = header;
        this.valuePrefix = valuePrefix;
    }

    @JsonCreator
    public static AuthStyle fromConfig(String name) {
        for (AuthStyle s : values()) {
            if (s.configName.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("auth: " + name + " (expected: bearer, x-api-key, api-key, x-goog-api-key, google-oauth, sigv4 or none)");
    }

    /** Puts a gateway-held key where this provider reads it. SigV4 is signed at dispatch instead. */
    public void apply(Headers upstream, String key) {
        if (header != null && valuePrefix != null) {
            upstream.set(header, valuePrefix + key);
        }
    }

    /** The client's own credential for this provider, or null: what the request will actually use. */
    public String clientCredential(Headers client) {
        for (String name : CREDENTIAL_HEADERS) {
            String v = client.get(name);
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
