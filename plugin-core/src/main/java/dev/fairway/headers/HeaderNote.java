package dev.fairway.headers;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;

/**
 * What the gateway did with a {@code cf-aig-*} header it could not take as sent: ignored it,
 * clamped it into range or kept only part of it. Clients see the list in the
 * {@value #RESPONSE_HEADER} response header, auditors in the log record's {@code header_notes}.
 *
 * @param detail what was wrong and what was done, e.g. {@code "cf-aig-max-attempts: 6 (clamped to 5)"};
 *     never a secret (security headers are refused, never noted)
 */
public record HeaderNote(String header, Action action, String detail) {
    /** The response header listing every note of a request as {@code name;action}, comma-separated. */
    public static final String RESPONSE_HEADER = "fairway-ignored-headers";

    public enum Action {
        /** The header had no effect. */
        IGNORED,
        /** An out-of-range number was moved to the nearest allowed value. */
        CLAMPED,
        /** Only part of the value was kept (metadata beyond five entries). */
        TRUNCATED;

        String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public HeaderNote {
        requireNonNull(header, "header");
        requireNonNull(action, "action");
        requireNonNull(detail, "detail");
    }

    public static HeaderNote ignored(String header, String detail) {
        return new HeaderNote(header, Action.IGNORED, detail);
    }

    /** Sets {@value #RESPONSE_HEADER} when there is anything to list. */
    public static void render(List<HeaderNote> notes, BiConsumer<String, String> set) {
        if (!notes.isEmpty()) {
            set.accept(RESPONSE_HEADER, responseValue(notes));
        }
    }

    /** The value of {@value #RESPONSE_HEADER}: {@code cf-aig-max-attempts;clamped, cf-aig-backoff;ignored}. */
    public static String responseValue(List<HeaderNote> notes) {
        StringBuilder out = new StringBuilder();
        for (HeaderNote n : notes) {
            if (!out.isEmpty()) {
                out.append(", ");
            }
            out.append(n.header).append(';').append(n.action.wire());
        }
        return out.toString();
    }
}
