package dev.fairway.dispatch;

/** An attempt ended because the client left (or a timeout gave up on it): nothing is answered. */
final class Cancelled extends RuntimeException {
    static final Cancelled INSTANCE = new Cancelled();

    private Cancelled() {
        super("the attempt was cancelled", null, false, false);
    }
}
