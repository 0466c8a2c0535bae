package dev.fairway.headers;

import dev.fairway.error.GatewayError;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place that decides what a bad {@code cf-aig-*} value costs: with {@code strict} a 400
 * naming the header (a route's {@code strict_headers: true}), otherwise a {@link HeaderNote} and
 * the request goes on, as Cloudflare ignores values it cannot act on.
 */
final class HeaderReader {
    private final boolean strict;
    private final List<HeaderNote> notes = new ArrayList<>(2);

    HeaderReader(boolean strict) {
        this.strict = strict;
    }

    /** The header is refused (strict) or ignored; callers then use null, the route's default. */
    <T> T reject(String header, String message) {
        return reject(GatewayError.invalidHeader(header, message), header, message);
    }

    /** As {@link #reject(String, String)} with the error strict mode answers (extra detail fields). */
    <T> T reject(GatewayError strictError, String header, String message) {
        if (strict) {
            throw strictError;
        }
        notes.add(HeaderNote.ignored(header, message + " (ignored)"));
        return null;
    }

    /** A value that lenient routes accept as it is (a repeated metadata key) but strict ones refuse. */
    void refuseIfStrict(GatewayError error) {
        if (strict) {
            throw error;
        }
    }

    /** {@code n} outside {@code min..max}: refused (strict) or moved to the nearest bound. */
    int clamp(String header, long n, int min, int max, String unit) {
        String message = String.format("%s: %d (expected: %d to %d %s)", header, n, min, max, unit);
        int bound = n < min ? min : max;
        if (strict) {
            throw GatewayError.invalidHeader(header, message);
        }
        notes.add(new HeaderNote(header, HeaderNote.Action.CLAMPED, message + " (clamped to " + bound + ")"));
        return bound;
    }

    /** Part of the value was kept: refused (strict) or noted. */
    void truncated(String header, String strictMessage, String detail) {
        if (strict) {
            throw GatewayError.invalidHeader(header, strictMessage);
        }
        notes.add(new HeaderNote(header, HeaderNote.Action.TRUNCATED, detail));
    }

    List<HeaderNote> notes() {
        return List.copyOf(notes);
    }
}
