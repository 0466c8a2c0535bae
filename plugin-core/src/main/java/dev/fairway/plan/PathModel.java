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

    /**
     * Whether {@code model} fits {@code provider}'s path: one safe segment, or for a provider that
     * names models {@code publisher/model} in its path (Vertex: {@code model_path}) two.
     */
    static boolean isSafe(Provider provider, String model) {
        return model != null && problem(provider, model) == null;
    }

    /** Refuses {@code model} with a 400 naming {@code field} when it could leave its place in {@code provider}'s path. */
    static void check(String field, Provider provider, String model) {
        String problem = problem(provider, model);
        if (problem != null) {
            String shape = provider.modelPath() != null ? "publisher/model, two path segments each" : "one path segment";
            String slash = provider.modelPath() != null ? "" : "'/', ";
            throw GatewayError.invalidField(field, String.format("%s: %s (expected: %s of at most %d characters, "
                    + "without %s'\\\\', '..', '?', '#', '%%' or control characters)", field, problem, shape, MAX_LENGTH, slash));
        }
    }

    private static String problem(Provider provider, String model) {
        int slash = model.indexOf('/');
        if (provider.modelPath() == null || slash < 0) {
            return problem(model);
        }
        String p = problem(model.substring(0, slash));
        return p != null ? p : problem(model.substring(slash + 1));
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
