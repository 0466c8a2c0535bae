package dev.fairway.logstore;

import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * One page of {@link LogStore#list}.
 *
 * @param next where the next page starts, null on the last page
 */
public record LogPage(List<StoredLog> logs, Cursor next) {

    /**
     * A keyset position: the sort value of the last record shown and its log id (ties broken by id),
     * so pages neither repeat nor skip records that arrive meanwhile.
     */
    public record Cursor(double value, String logId) {
        public String encode() {
            String raw = Double.toString(value) + "|" + logId;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
        }

        /** @throws GatewayError naming {@code cursor} when it is not one of ours */
        public static Cursor decode(String text) {
            try {
                String raw = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
                int bar = raw.indexOf('|');
                if (bar <= 0 || bar == raw.length() - 1) {
                    throw new IllegalArgumentException("no separator");
                }
                return new Cursor(Double.parseDouble(raw.substring(0, bar)), raw.substring(bar + 1));
            } catch (IllegalArgumentException e) {
                throw GatewayError.of(ErrorType.INVALID_REQUEST, "cursor: %s (expected: the next_cursor of a previous page)",
                        text.length() > 64 ? text.substring(0, 64) + "..." : text).with("parameter", "cursor");
            }
        }
    }
}
