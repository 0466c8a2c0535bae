package dev.fairway.http;

import java.util.Set;

/** Fields that describe one connection and must not be relayed across a proxy (RFC 9110 s.7.6.1). */
public final class HopByHop {
    private static final Set<String> NAMES = Set.of(
            "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization",
            "te", "trailer", "transfer-encoding", "upgrade", "host", "content-length", "http2-settings");

    private HopByHop() {}

    /** Also every {@code proxy-*} field: they address a proxy on the way, never the provider. */
    public static boolean is(String lowerCaseName) {
        return NAMES.contains(lowerCaseName) || lowerCaseName.startsWith("proxy-");
    }

    /** Copies {@code from} without hop-by-hop fields nor the fields the Connection header names. */
    public static Headers strip(Headers from) {
        String connection = from.get("connection");
        Headers out = new Headers();
        for (int i = 0; i < from.size(); i++) {
            String name = from.name(i);
            if (!is(name) && !listedIn(connection, name)) {
                out.add(name, from.value(i));
            }
        }
        return out;
    }

    private static boolean listedIn(String connection, String name) {
        if (connection == null) {
            return false;
        }
        for (String token : connection.split(",")) {
            if (token.trim().equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }
}
