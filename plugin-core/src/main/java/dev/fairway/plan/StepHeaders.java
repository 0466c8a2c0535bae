package dev.fairway.plan;

import dev.fairway.http.HopByHop;
import java.util.Locale;

/**
 * What a Universal step's {@code headers} may carry. They are client data sent upstream on a pooled
 * connection, so a value that could end a header line (CR, LF, other control characters) is a 400,
 * and the fields that frame the message or describe the connection ({@code content-length},
 * {@code transfer-encoding}, {@code host}, {@code connection}, ...) are dropped: the gateway alone
 * frames what it sends.
 */
final class StepHeaders {
    private static final int MAX_NAME = 256;
    private static final int MAX_VALUE = 8 * 1024;

    private StepHeaders() {}

    /** Refuses a name that is not an HTTP token or a value with control characters, naming the step and header. */
    static void check(int step, String name, String value) {
        if (name.isEmpty() || name.length() > MAX_NAME || !isToken(name)) {
            throw UniversalRequest.bad(step, "headers." + printable(name),
                    "not a valid header name (expected: 1 to " + MAX_NAME + " letters, digits or !#$%&'*+-.^_`|~)")
                    .with("header", printable(name));
        }
        if (value.length() > MAX_VALUE) {
            throw UniversalRequest.bad(step, "headers." + name, value.length() + " characters (expected: at most " + MAX_VALUE + ")")
                    .with("header", name);
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                throw UniversalRequest.bad(step, "headers." + name,
                        String.format("control character U+%04X at index %d (expected: no CR, LF or other control characters)", (int) c, i))
                        .with("header", name);
            }
        }
    }

    /** Framing and hop-by-hop fields: never taken from a step. */
    static boolean isFraming(String name) {
        return HopByHop.is(name.toLowerCase(Locale.ROOT));
    }

    private static boolean isToken(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** The name as it may appear in an error: control characters shown as escapes, at most 64 characters. */
    private static String printable(String name) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < name.length() && out.length() < 64; i++) {
            char c = name.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return out.toString();
    }
}
