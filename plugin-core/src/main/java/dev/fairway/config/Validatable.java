package dev.fairway.config;

/** A config record that checks itself, reporting problems under its own path. */
public interface Validatable {
    void validate(Problems problems);
}
