package dev.fairway.apisix.protocol;

/**
 * The frame types of the ext-plugin protocol, as APISIX numbers them in {@code apisix/constants.lua}.
 */
public final class RpcType {
    public static final int ERROR = 0;
    public static final int PREPARE_CONF = 1;
    public static final int HTTP_REQ_CALL = 2;
    public static final int EXTRA_INFO = 3;
    public static final int HTTP_RESP_CALL = 4;

    private RpcType() {}

    public static String name(int type) {
        return switch (type) {
            case ERROR -> "RPC_ERROR";
            case PREPARE_CONF -> "RPC_PREPARE_CONF";
            case HTTP_REQ_CALL -> "RPC_HTTP_REQ_CALL";
            case EXTRA_INFO -> "RPC_EXTRA_INFO";
            case HTTP_RESP_CALL -> "RPC_HTTP_RESP_CALL";
            default -> "unknown type " + type;
        };
    }
}
