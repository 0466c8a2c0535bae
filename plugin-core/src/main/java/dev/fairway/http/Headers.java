package dev.fairway.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * An ordered, case-insensitive multimap of HTTP header fields. Names are stored lower-cased, as
 * HTTP/2 sends them, so lookups never allocate. Small by design: a request has tens of fields,
 * where a linear scan beats hashing.
 */
public final class Headers {
    private final ArrayList<String> names;
    private final ArrayList<String> values;

    public Headers() {
        this(8);
    }

    private Headers(int capacity) {
        names = new ArrayList<>(capacity);
        values = new ArrayList<>(capacity);
    }

    public static Headers of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("namesAndValues: odd length " + namesAndValues.length);
        }
        Headers headers = new Headers(namesAndValues.length / 2);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return headers;
    }

    public static Headers copyOf(Headers other) {
        Headers copy = new Headers(other.size());
        copy.names.addAll(other.names);
        copy.values.addAll(other.values);
        return copy;
    }

    public static Headers fromMap(Map<String, String> map) {
        Headers headers = new Headers(map.size());
        map.forEach(headers::add);
        return headers;
    }

    public Headers add(String name, String value) {
        names.add(lower(Objects.requireNonNull(name, "name")));
        values.add(Objects.requireNonNull(value, "value"));
        return this;
    }

    /** Replaces every field of this name with one field. */
    public Headers set(String name, String value) {
        remove(name);
        return add(name, value);
    }

    /** Removes every field of this name; returns whether any was present. */
    public boolean remove(String name) {
        String key = lower(name);
        boolean removed = false;
        for (int i = names.size() - 1; i >= 0; i--) {
            if (names.get(i).equals(key)) {
                names.remove(i);
                values.remove(i);
                removed = true;
            }
        }
        return removed;
    }

    /** The first value of the field, or null. */
    public String get(String name) {
        String key = lower(name);
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equals(key)) {
                return values.get(i);
            }
        }
        return null;
    }

    /** The {@code content-length} field as a number; -1 when there is none or it is not one. */
    public long contentLength() {
        return length(get("content-length"));
    }

    /** {@code value}, a {@code content-length} field's, as a number; -1 when null or not a number. */
    public static long length(String value) {
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public List<String> getAll(String name) {
        String key = lower(name);
        List<String> found = null;
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equals(key)) {
                if (found == null) {
                    found = new ArrayList<>(2);
                }
                found.add(values.get(i));
            }
        }
        return found == null ? List.of() : Collections.unmodifiableList(found);
    }

    public boolean contains(String name) {
        return get(name) != null;
    }

    public int size() {
        return names.size();
    }

    public String name(int index) {
        return names.get(index);
    }

    public String value(int index) {
        return values.get(index);
    }

    public void forEach(BiConsumer<String, String> action) {
        for (int i = 0; i < names.size(); i++) {
            action.accept(names.get(i), values.get(i));
        }
    }

    /** Adds every field of {@code other}, replacing fields of the same names. */
    public Headers setAll(Headers other) {
        for (int i = 0; i < other.size(); i++) {
            remove(other.name(i));
        }
        for (int i = 0; i < other.size(); i++) {
            add(other.name(i), other.value(i));
        }
        return this;
    }

    private static String lower(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                return name.toLowerCase(Locale.ROOT);
            }
        }
        return name;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Headers[");
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            // Values are left out on purpose: they carry credentials.
            sb.append(names.get(i));
        }
        return sb.append(']').toString();
    }
}
