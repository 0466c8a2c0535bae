package dev.fairway.apisix.protocol;

import io.github.api7.A6.Err.Code;

/**
 * The codes of an {@code RPC_ERROR} frame. APISIX turns every one into a 503 for the client, except
 * {@link #CONF_TOKEN_NOT_FOUND}, which makes it drop its conf tokens, prepare the conf again and
 * retry (up to three tries).
 */
public final class ErrorCode {
    public static final int BAD_REQUEST = Code.BAD_REQUEST;
    public static final int SERVICE_UNAVAILABLE = Code.SERVICE_UNAVAILABLE;
    public static final int CONF_TOKEN_NOT_FOUND = Code.CONF_TOKEN_NOT_FOUND;

    private ErrorCode() {}
}
