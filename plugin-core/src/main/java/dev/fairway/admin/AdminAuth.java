package dev.fairway.admin;

import dev.fairway.config.ConfigException;
import dev.fairway.config.Secret;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.regex.Pattern;

/**
 * Who may read the admin endpoints. Open when the listener binds a loopback address and no token
 * is configured (only local processes can connect); otherwise every request must carry
 * {@code Authorization: Bearer <admin_token>}. The token is never accepted in the query string,
 * where it would end up in access logs and browser history.
 */
final class AdminAuth {
    private static final Pattern LOOPBACK_V4 = Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    private final byte[] tokenDigest;
    private final String listenerHost;

    private AdminAuth(byte[] tokenDigest, String listenerHost) {
        this.tokenDigest = tokenDigest;
        this.listenerHost = listenerHost;
    }

    /**
     * The policy for a listener on {@code host}.
     *
     * @throws ConfigException naming {@code server.admin_token} when the host is not loopback and no token is set
     */
    static AdminAuth forListener(String host, Secret token) {
        if (token != null) {
            return new AdminAuth(digest(token.reveal()), host);
        }
        if (!isLoopback(host)) {
            throw new ConfigException("server.admin_token: required when server.admin_host (" + host
                    + ") is not a loopback address (expected: admin_token set, or admin_host: 127.0.0.1)");
        }
        return new AdminAuth(null, host);
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

    /**
     * Whether a request naming {@code hostHeader} was meant for this listener. Only a token-less
     * (loopback) listener checks: there, a page on another site whose name was re-pointed at
     * 127.0.0.1 (DNS rebinding) could otherwise read the endpoints from the user's browser, since
     * the browser sends that site's name in {@code Host}. Loopback names and the configured
     * {@code admin_host} pass, with any port.
     */
    boolean hostAllowed(String hostHeader) {
        if (tokenDigest != null) {
            return true;
        }
        if (hostHeader == null || hostHeader.isBlank()) {
            return false;
        }
        String name = hostName(hostHeader.strip());
        if (name.equalsIgnoreCase(listenerHost) || name.equalsIgnoreCase("localhost") || name.equals("::1")) {
            return true;
        }
        // Only literal loopback addresses: resolving the name would ask DNS, which is what the attacker controls.
        return LOOPBACK_V4.matcher(name).matches();
    }

    private static String hostName(String host) {
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(1, end);
        }
        int colon = host.indexOf(':');
        // One colon: name:port. More: a bare IPv6 address.
        return colon < 0 || host.indexOf(':', colon + 1) >= 0 ? host : host.substring(0, colon);
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
