package dev.fairway.apisix.protocol;

import static java.util.Objects.requireNonNull;

/**
 * A name and value pair: a header, a query argument or a conf entry. A query argument without a
 * value ({@code ?stream}) has a null value; in a rewrite, a header with a null value is deleted.
 */
public record TextEntry(String name, String value) {
    public TextEntry {
        requireNonNull(name, "name");
    }
}
