package dev.fairway.error;

/**
 * The user-facing error kinds. This set is small and explicit on purpose: clients branch on
 * {@code error.type}, so every member is part of the public contract. Anything not listed here is
 * an internal failure and is reported as {@link #INTERNAL} without detail.
 */
public enum ErrorType {
    INVALID_HEADER("invalid_header", 400),
    INVALID_REQUEST("invalid_request", 400),
    PAYLOAD_TOO_LARGE("payload_too_large", 413),
    UNKNOWN_PROVIDER("unknown_provider", 404),
    NOT_FOUND("not_found", 404),
    METHOD_NOT_ALLOWED("method_not_allowed", 405),
    REQUEST_TIMEOUT("request_timeout", 408),
    UNAUTHORIZED("unauthorized", 401),
    FORBIDDEN("forbidden", 403),
    RATE_LIMITED("rate_limited", 429),
    UPSTREAM_UNAVAILABLE("upstream_unavailable", 502),
    UPSTREAM_TIMEOUT("upstream_timeout", 504),
    SERVICE_UNAVAILABLE("service_unavailable", 503),
    INTERNAL("internal_error", 500);

    private final String wireName;
    private final int status;

    ErrorType(String wireName, int status) {
        this.wireName = wireName;
        this.status = status;
    }

    /** The value of {@code error.type} in JSON bodies. */
    public String wireName() {
        return wireName;
    }

    public int status() {
        return status;
    }
}
