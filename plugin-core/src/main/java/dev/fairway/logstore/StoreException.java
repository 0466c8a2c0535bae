package dev.fairway.logstore;

/** The log store's database failed (unreachable, full, a constraint); the message never holds credentials. */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
