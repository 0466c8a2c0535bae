package dev.fairway.prompt;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One message text with {@code {{variable}}} placeholders, parsed once when the prompt is loaded.
 * A name is 1 to 64 letters, digits, '_', '-' or '.', with optional spaces inside the braces. Values
 * are put in as written: a template is text for a model, not markup, so nothing is escaped.
 */
final class Template {
    private static final int MAX_NAME = 64;

    /** Literal text (name null) or a placeholder (text null). */
    private record Part(String text, String name) {}

    private final List<Part> parts;
    private final Set<String> names;

    private Template(List<Part> parts, Set<String> names) {
        this.parts = List.copyOf(parts);
        this.names = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(names));
    }

    /** Why {@code text} is no template (an unclosed or empty placeholder), or null. */
    static String problem(String text) {
        try {
            parse(text);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** @throws IllegalArgumentException naming the offset of a malformed placeholder */
    static Template parse(String text) {
        requireNonNull(text, "text");
        List<Part> parts = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        int at = 0;
        while (true) {
            int open = text.indexOf("{{", at);
            if (open < 0) {
                parts.add(new Part(text.substring(at), null));
                break;
            }
            int close = text.indexOf("}}", open + 2);
            if (close < 0) {
                throw new IllegalArgumentException("a placeholder opened at character " + open + " is never closed (expected: {{name}})");
            }
            String name = text.substring(open + 2, close).strip();
            if (!isName(name)) {
                throw new IllegalArgumentException("{{" + cut(text.substring(open + 2, close)) + "}} at character " + open
                        + " (expected: {{name}} with 1 to 64 letters, digits, '_', '-' or '.')");
            }
            parts.add(new Part(text.substring(at, open), null));
            parts.add(new Part(null, name));
            names.add(name);
            at = close + 2;
        }
        return new Template(parts, names);
    }

    /** The variables this text uses. */
    Set<String> names() {
        return names;
    }

    /** The text with every placeholder replaced; the caller checked that {@code values} holds every name. */
    String render(Map<String, String> values) {
        StringBuilder out = new StringBuilder();
        for (Part p : parts) {
            out.append(p.name() == null ? p.text() : values.get(p.name()));
        }
        return out.toString();
    }

    static boolean isName(String s) {
        if (s.isEmpty() || s.length() > MAX_NAME) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static String cut(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
