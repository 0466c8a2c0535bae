package dev.fairway.apisix;

import dev.fairway.apisix.protocol.TextEntry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The headers an {@code RPC_HTTP_RESP_CALL} answer carries back ({@code ext-plugin-post-resp}).
 * APISIX sets exactly the answer's headers when it has any; when it has none it copies the
 * upstream's but leaves out content-type, content-encoding, location and a few more
 * ({@code exclude_resp_header} in {@code apisix/plugins/ext-plugin/init.lua}), and an SDK then reads
 * JSON as a string. So the runner echoes the upstream's headers, less those that describe the hop
 * or the framing APISIX re-does while it streams the body on (length, transfer-encoding).
 */
final class PostRespHeaders {
    private static final Set<String> NOT_ECHOED = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "te", "trailer", "upgrade", "proxy-authenticate", "content-length");

    private PostRespHeaders() {}

    static List<TextEntry> echo(List<TextEntry> upstream) {
        Set<String> named = new HashSet<>();
        for (TextEntry h : upstream) {
            if (h.name().equalsIgnoreCase("connection") && h.value() != null) {
                // Headers the Connection header names are hop-by-hop too (RFC 9110, 7.6.1).
                for (String token : h.value().split(",")) {
                    named.add(token.trim().toLowerCase(Locale.ROOT));
                }
            }
        }
        List<TextEntry> out = new ArrayList<>(upstream.size());
        for (TextEntry h : upstream) {
            String name = h.name().toLowerCase(Locale.ROOT);
            if (h.value() != null && !NOT_ECHOED.contains(name) && !named.contains(name)) {
                out.add(h);
            }
        }
        return out;
    }
}
