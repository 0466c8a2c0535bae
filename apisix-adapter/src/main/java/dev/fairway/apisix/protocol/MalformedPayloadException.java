package dev.fairway.apisix.protocol;

/** A frame whose payload is not the FlatBuffer its type announces. */
public final class MalformedPayloadException extends RuntimeException {
    public MalformedPayloadException(String message) {
        super(message, null, false, false);
    }
}
