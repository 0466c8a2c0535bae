package dev.fairway.translate;

/** The {@code created} timestamp of translated answers. */
final class Clock {
    private Clock() {}

    static long seconds() {
        return System.currentTimeMillis() / 1000;
    }
}
