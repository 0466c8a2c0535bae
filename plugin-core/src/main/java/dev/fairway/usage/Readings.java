package dev.fairway.usage;

import dev.fairway.pipeline.Usage;

/** Where a meter's findings go: the exchange's facts, and the count of answers whose usage could not be read. */
interface Readings {
    Readings NONE = new Readings() {
        @Override
        public void metered(Usage usage, Double costUsd) {}

        @Override
        public void unreadable() {}
    };

    /** The answer ended: what it was metered at (either may be null). */
    void metered(Usage usage, Double costUsd);

    /** A successful JSON answer ended cleanly but was not valid JSON: its usage is unknown or partial. */
    void unreadable();
}
