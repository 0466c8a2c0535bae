package dev.fairway.kong.pdk;

/**
 * Kong stopped answering this event (the request ended, the worker went away) and it expired; the
 * handler gets this from its pending PDK call so that its thread unwinds.
 */
public final class EventAbandonedException extends RuntimeException {
    EventAbandonedException(long eventId) {
        super("event " + eventId + " was abandoned by Kong", null, false, false);
    }
}
