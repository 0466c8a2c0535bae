package dev.fairway.apisix.protocol;

import java.util.List;

/** An {@code RPC_HTTP_RESP_CALL} request: the upstream's status and headers ({@code ext-plugin-post-resp}). */
public record HttpRespCall(long id, int status, List<TextEntry> headers, long confToken) {
    public HttpRespCall {
        headers = List.copyOf(headers);
    }
}
