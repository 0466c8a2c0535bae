package dev.fairway.apisix.protocol;

import java.util.List;

/**
 * An {@code RPC_HTTP_REQ_CALL} request: what APISIX knows about the request before the body.
 *
 * @param path the decoded path without the query ({@code $uri}, or {@code $upstream_uri} once rewritten)
 * @param args the query arguments, one entry per value
 * @param headers the request headers, one entry per value; {@code host} carries the upstream host
 */
public record HttpReqCall(long id, byte[] srcIp, String method, String path, List<TextEntry> args,
                          List<TextEntry> headers, long confToken) {
    public HttpReqCall {
        args = List.copyOf(args);
        headers = List.copyOf(headers);
    }

    /** The first value of this header (names are lower case as APISIX sends them), or null. */
    public String header(String name) {
        for (TextEntry e : headers) {
            if (e.name().equalsIgnoreCase(name)) {
                return e.value();
            }
        }
        return null;
    }
}
