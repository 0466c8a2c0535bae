package dev.fairway.provider;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The operations a gateway-held key may be used for, in named groups ({@code inference},
 * {@code embeddings}, {@code models}): each entry is {@code "METHOD path"}, the path being the API's
 * own path below the provider's base URL ({@code chat/completions}). In a path, {@code *} stands for
 * any characters within one segment and a {@code **} segment for any number of segments. Anything
 * else (files, fine-tuning, organization admin) needs the client's own key.
 */
public final class KeyOperations {
    public static final KeyOperations NONE = new KeyOperations(Map.of());
    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD");

    private record Entry(String method, Pattern path) {}

    private final Map<String, List<Entry>> groups;

    private KeyOperations(Map<String, List<Entry>> groups) {
        this.groups = groups;
    }

    /**
     * Compiles named groups of {@code "METHOD path"} entries.
     *
     * @throws IllegalArgumentException naming the first malformed entry
     */
    public static KeyOperations of(Map<String, List<String>> spec) {
        Map<String, List<Entry>> out = new LinkedHashMap<>();
        spec.forEach((name, entries) -> {
            List<Entry> compiled = new ArrayList<>(entries.size());
            for (String e : entries) {
                String why = problem(e);
                if (why != null) {
                    throw new IllegalArgumentException(name + ": " + why);
                }
                int space = e.indexOf(' ');
                compiled.add(new Entry(e.substring(0, space), glob(e.substring(space + 1).strip())));
            }
            out.put(name, List.copyOf(compiled));
        });
        return new KeyOperations(Collections.unmodifiableMap(out));
    }

    /** What is wrong with one {@code "METHOD path"} entry, or null when it is well formed. */
    public static String problem(String entry) {
        int space = entry == null ? -1 : entry.indexOf(' ');
        if (space <= 0 || !METHODS.contains(entry.substring(0, space)) || entry.substring(space + 1).isBlank()) {
            return String.format("%s (expected: \"METHOD path\" such as \"POST batches\" or \"GET files/*\", METHOD one of %s)",
                    entry, String.join(", ", new java.util.TreeSet<>(METHODS)));
        }
        String path = entry.substring(space + 1).strip();
        if (path.startsWith("/") || path.contains("..") || path.contains("?") || path.contains(" ")) {
            return String.format("%s (expected: a path without a leading /, '..', '?' or spaces)", entry);
        }
        return null;
    }

    /** The name of the group that allows {@code method} on {@code apiPath}, or null. */
    public String match(String method, String apiPath) {
        String m = method.toUpperCase(Locale.ROOT);
        for (Map.Entry<String, List<Entry>> g : groups.entrySet()) {
            for (Entry e : g.getValue()) {
                if (e.method().equals(m) && e.path().matcher(apiPath).matches()) {
                    return g.getKey();
                }
            }
        }
        return null;
    }

    /**
     * The same operations, each also allowed below {@code prefix}: a custom provider's path is
     * appended to its base URL as given, so {@code v1/chat/completions} must pass where the row it
     * borrows from (OpenAI's, whose base URL ends in {@code /v1}) says {@code chat/completions}.
     */
    public KeyOperations orUnder(String prefix) {
        Map<String, List<Entry>> out = new LinkedHashMap<>();
        groups.forEach((name, entries) -> {
            List<Entry> both = new ArrayList<>(entries);
            for (Entry e : entries) {
                both.add(new Entry(e.method(), Pattern.compile(Pattern.quote(prefix + "/") + e.path().pattern())));
            }
            out.put(name, List.copyOf(both));
        });
        return new KeyOperations(Collections.unmodifiableMap(out));
    }

    /** The group names, in order: what a refusal lists as allowed. */
    public Set<String> names() {
        return groups.keySet();
    }

    private static Pattern glob(String path) {
        StringBuilder re = new StringBuilder();
        String[] segments = path.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            boolean last = i == segments.length - 1;
            if (s.equals("**")) {
                re.append(last ? ".*" : "(?:[^/]+/)*");
                continue;
            }
            for (String part : s.split("\\*", -1)) {
                re.append(Pattern.quote(part)).append("[^/]*");
            }
            re.setLength(re.length() - "[^/]*".length());
            if (!last) {
                re.append('/');
            }
        }
        return Pattern.compile(re.toString());
    }
}
