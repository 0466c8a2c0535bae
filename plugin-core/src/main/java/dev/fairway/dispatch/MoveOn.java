package dev.fairway.dispatch;

/** The retrying call's word that its target is done with and the next one should be tried. */
final class MoveOn extends RuntimeException {
    MoveOn(String reason) {
        super(reason, null, false, false);
    }
}
