package dev.fairway.plan;

import dev.fairway.error.GatewayError;
import dev.fairway.provider.Provider;

/**
 * Checks a client's model name before it is written into an upstream path ({@code /compat} to
 * Google: {@code v1beta/models/<model>:generateContent}). There it is a single path segment, so
 * nothing in it may step out of that segment or end the path: no {@code /}, {@code \}, {@code ..},
 * {@code ?}, {@code #}, {@code %} (encoded forms of the same) or control characters.
 */
final class PathModel {
    static final int MAX_LENGTH = 256;

    private PathModel() {}

    /** Whether {@code provider} writes the model into the request path (Google, Vertex). */
    static boolean inPath(Provider provider) {
        return provider.modelInPath() != null;
    }

    /** Whether {@code model} is one safe path segment. */
    static boolean isSafe(String model) {
        return model != null && problem(model) == null;
    }

    /** Refuses {@code model} with a 400 naming {@code field} when it could leave its path segment. */
    static void check(String field, String model) {
        String problem = problem(model);
        if (problem != null) {
            throw GatewayError.invalidField(field, String.format("%s: %s (expected: one path segment of at most %d characters, "
                    + "without '/', '\\\\', '..', '?', '#', '%%' or control characters)", field, problem, MAX_LENGTH));
        }
    }

    private static String problem(String model) {
        if (model.isEmpty() || model.length() > MAX_LENGTH) {
            return model.length() + " characters";
        }
        if (model.contains("..")) {
            return "contains '..'";
        }
        for (int i = 0; i < model.length(); i++) {
            char c = model.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return String.format("control character U+%04X at index %d", (int) c, i);
            }
            if ("/\\?#%".indexOf(c) >= 0) {
                return "contains '" + c + "' at index " + i;
            }
        }
        return null;
    }
}
