package dev.fairway.error;

/**
 * Cloudflare AI Gateway's numeric error codes, and the one table that maps the gateway's errors to
 * them. Documented codes: 2009 (changelog "Standardize provider credential error responses", HTTP
 * 401) and 2029/2030 (DLP, "Set up Data Loss Prevention": error codes for blocked requests). 2003
 * is not on Cloudflare's pages but is what its gateway answers when rate limited; clients written
 * against it check it. Errors Cloudflare has no code for carry their HTTP status as the code, outside
 * Cloudflare's 2000 range so that no client mistakes one for a Cloudflare condition.
 */
public enum CloudflareCode {
    RATE_LIMITED(2003, "Rate limited"),
    UNAUTHORIZED(2009, "Unauthorized"),
    REQUEST_BLOCKED_BY_DLP(2029, "Request content blocked due to DLP policy violations"),
    RESPONSE_BLOCKED_BY_DLP(2030, "Response content blocked due to DLP policy violations");

    private final int code;
    /** Cloudflare's fixed wording of the condition. */
    private final String message;

    CloudflareCode(int code, String message) {
        this.code = code;
        this.message = message;
    }

    public int code() {
        return code;
    }

    /** The code an error carries: its own when it named one, else its type's, else its HTTP status. */
    static int codeOf(GatewayError error) {
        CloudflareCode c = of(error);
        return c != null ? c.code : error.status();
    }

    /** Cloudflare's message for the error's code, or the gateway's own message where Cloudflare has none. */
    static String messageOf(GatewayError error) {
        CloudflareCode c = of(error);
        return c != null ? c.message : error.getMessage();
    }

    private static CloudflareCode of(GatewayError error) {
        if (error.cloudflareCode() != null) {
            return error.cloudflareCode();
        }
        return switch (error.type()) {
            case UNAUTHORIZED -> UNAUTHORIZED;
            case RATE_LIMITED -> RATE_LIMITED;
            default -> null;
        };
    }
}
