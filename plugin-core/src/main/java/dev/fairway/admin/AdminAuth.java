package dev.fairway.admin;

import dev.fairway.config.ConfigException;
import dev.fairway.config.Secret;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Who may read the admin endpoints. Open when the listener binds a loopback address and no token
 * is configured (only local processes can connect); otherwise every request must carry
 * {@code Authorization: Bearer <admin_token>}. The token is never accepted in the query string,
 * where it would end up in access logs and browser history.
 */
final class AdminAuth {
    private final byte[] tokenDigest;

    private AdminAuth(byte[] tokenDigest) {
        this.tokenDigest = tokenDigest;
    }

    /**
     * The policy for a listener on {@code host}.
     *
     * @throws ConfigException naming {@code server.admin_token} when the host is not loopback and no token is set
     */
    static AdminAuth forListener(String host, Secret token) {
        if (token != null) {
            return new AdminAuth(digest(token.reveal()));
        }
        if (!isLoopback(host)) {
            throw new ConfigException("server.admin_token: required when server.admin_host (" + host
                    + ") is not a loopback address (expected: admin_token set, or admin_host: 127.0.0.1)");
        }
        return new AdminAuth(null);
    }

    static boolean isLoopback(String host) {
        try {
            InetAddress[] all = InetAddress.getAllByName(host);
            for (InetAddress a : all) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return all.length > 0;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    boolean required() {
        return tokenDigest != null;
    }

    /** Whether a request with this {@code Authorization} header value may pass. */
    AuthDecision check(String authorization) {
        if (tokenDigest == null) {
            return AuthDecision.OPEN;
        }
        if (authorization == null || authorization.isBlank()) {
            return AuthDecision.MISSING;
        }
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return AuthDecision.WRONG_SCHEME;
        }
        // Digests have one length whatever was sent, and isEqual does not stop at the first difference.
        byte[] presented = digest(authorization.substring(7).strip());
        return MessageDigest.isEqual(presented, tokenDigest) ? AuthDecision.ACCEPTED : AuthDecision.REFUSED;
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    enum AuthDecision {
        OPEN(true, null),
        ACCEPTED(true, null),
        MISSING(false, "missing Authorization header (expected: Authorization: Bearer <admin token>)"),
        WRONG_SCHEME(false, "Authorization: not a Bearer token (expected: Authorization: Bearer <admin token>)"),
        REFUSED(false, "Authorization: the admin token does not match");

        private final boolean allowed;
        private final String reason;

        AuthDecision(boolean allowed, String reason) {
            this.allowed = allowed;
            this.reason = reason;
        }

        boolean allowed() {
            return allowed;
        }

        String reason() {
            return reason;
        }
    }
}
