package dev.fairway.kong.pdk;

/** A plugin configuration that cannot be used; the message names the field(s). */
public final class InvalidConfigException extends RuntimeException {
    public InvalidConfigException(String message) {
        super(message, null, false, false);
    }
}
