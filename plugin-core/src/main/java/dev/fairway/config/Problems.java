package dev.fairway.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects validation problems, each prefixed with the path of the field it concerns
 * ({@code routes[2].providers.openai.base_url}), so that one load reports every mistake at once.
 */
public final class Problems {
    private final List<String> messages = new ArrayList<>();
    private final String path;
    private final Problems root;

    public Problems() {
        this.path = "";
        this.root = this;
    }

    private Problems(Problems root, String path) {
        this.root = root;
        this.path = path;
    }

    /** A view whose paths are below {@code field}. */
    public Problems at(String field) {
        return new Problems(root, path.isEmpty() ? field : path + "." + field);
    }

    public Problems at(String field, int index) {
        return new Problems(root, (path.isEmpty() ? field : path + "." + field) + "[" + index + "]");
    }

    public Problems atKey(String field, String key) {
        return at(field).at(key);
    }

    /** Records a problem with {@code field} below this path. */
    public void add(String field, String format, Object... args) {
        String where = field.isEmpty() ? path : (path.isEmpty() ? field : path + "." + field);
        root.messages.add((where.isEmpty() ? "" : where + ": ") + String.format(format, args));
    }

    public void require(boolean condition, String field, String format, Object... args) {
        if (!condition) {
            add(field, format, args);
        }
    }

    public List<String> messages() {
        return List.copyOf(root.messages);
    }

    public void throwIfAny() {
        if (!root.messages.isEmpty()) {
            throw new ConfigException(root.messages);
        }
    }
}
