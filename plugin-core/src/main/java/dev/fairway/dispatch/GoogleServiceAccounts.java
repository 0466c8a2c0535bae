package dev.fairway.dispatch;

import static java.util.Objects.requireNonNull;

import com.google.auth.oauth2.ServiceAccountCredentials;
import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vertex AI credentials that are service-account JSON keys, as Cloudflare accepts them (in the
 * provider key, or in {@code Authorization}, raw or base64): each key is exchanged for an OAuth access
 * token by Google's own auth library, which caches the token and refreshes it before it expires.
 *
 * <p>One {@link ServiceAccountCredentials} per key, at most {@value #MAX_KEYS} of them (least recently
 * used first out), since clients choose the keys they send. The token calls block, so callers run
 * {@link #bearer} off the event loop.
 */
final class GoogleServiceAccounts {
    private static final Logger LOG = LoggerFactory.getLogger(GoogleServiceAccounts.class);
    static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform";
    static final URI GOOGLE_TOKEN_URI = URI.create("https://oauth2.googleapis.com/token");
    private static final int MAX_KEYS = 256;

    private final Map<String, ServiceAccountCredentials> byKey = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ServiceAccountCredentials> eldest) {
            return size() > MAX_KEYS;
        }
    };

    /**
     * The service-account key in an {@code Authorization} value, or null when it holds something else
     * (an access token, which passes as is).
     */
    static byte[] keyIn(String authorization) {
        if (authorization == null) {
            return null;
        }
        String v = authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? authorization.substring(7).strip() : authorization.strip();
        if (v.startsWith("{")) {
            return v.contains("\"service_account\"") ? v.getBytes(StandardCharsets.UTF_8) : null;
        }
        if (v.length() < 64 || v.startsWith("ya29.")) {
            return null;
        }
        try {
            byte[] decoded = Base64.getDecoder().decode(v);
            String text = new String(decoded, StandardCharsets.UTF_8).strip();
            return text.startsWith("{") && text.contains("\"service_account\"") ? decoded : null;
        } catch (IllegalArgumentException e) {
            return null; // not base64: an access token of another form
        }
    }

    /**
     * {@code Bearer <access token>} for {@code key}. Blocks while a token is fetched or refreshed.
     *
     * @param tokenUri where to exchange the key; null to use the key's own {@code token_uri} (keys from config only:
     *     a client's key never chooses the host the gateway connects to)
     */
    String bearer(byte[] key, URI tokenUri) {
        ServiceAccountCredentials credentials = credentials(key, tokenUri);
        try {
            Map<String, List<String>> metadata = credentials.getRequestMetadata();
            List<String> auth = metadata.get("Authorization");
            if (auth == null || auth.isEmpty()) {
                throw GatewayError.of(ErrorType.UPSTREAM_UNAVAILABLE, "google-vertex-ai: the token endpoint returned no access token");
            }
            return auth.get(0);
        } catch (IOException e) {
            // The library's message names the endpoint and its answer, never the key; the client gets neither.
            LOG.warn("google-vertex-ai: token exchange for {} failed: {}", credentials.getClientEmail(), e.getMessage());
            throw GatewayError.of(ErrorType.UPSTREAM_UNAVAILABLE,
                    "google-vertex-ai: the service-account key could not be exchanged for an access token");
        }
    }

    private ServiceAccountCredentials credentials(byte[] key, URI tokenUri) {
        String id = fingerprint(key) + "|" + tokenUri;
        synchronized (byKey) {
            ServiceAccountCredentials known = byKey.get(id);
            if (known != null) {
                return known;
            }
        }
        ServiceAccountCredentials parsed;
        try {
            ServiceAccountCredentials fromKey = ServiceAccountCredentials.fromStream(new ByteArrayInputStream(key));
            ServiceAccountCredentials.Builder b = fromKey.toBuilder().setScopes(List.of(SCOPE));
            if (tokenUri != null) {
                b.setTokenServerUri(tokenUri);
            }
            parsed = b.build();
        } catch (IOException | RuntimeException e) {
            throw GatewayError.invalidField("authorization",
                    "google-vertex-ai: the service-account key is not valid (expected: a JSON key of type service_account with client_email and private_key)");
        }
        synchronized (byKey) {
            ServiceAccountCredentials raced = byKey.putIfAbsent(id, parsed);
            return raced != null ? raced : parsed;
        }
    }

    private static String fingerprint(byte[] key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(requireNonNull(key, "key")));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
