package dev.fairway.kong.pdk;

/** A PDK function Kong ran for the plugin returned an error ({@code nil, err} in Lua). */
public final class KongPdkException extends RuntimeException {
    private final String method;

    KongPdkException(String method, String error) {
        super(method + ": " + error, null, false, false);
        this.method = method;
    }

    /** The PDK function that failed, e.g. {@code kong.request.get_raw_body}. */
    public String method() {
        return method;
    }
}
