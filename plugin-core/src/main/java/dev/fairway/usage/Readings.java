package dev.fairway.usage;

import dev.fairway.pipeline.AnswerReport;
import dev.fairway.pipeline.Usage;

/** Where a meter's findings go: the exchange's facts, and the count of answers whose usage could not be read. */
interface Readings {
    Readings NONE = new Readings() {
        @Override
        public void metered(Usage usage, Double costUsd, AnswerReport report) {}

        @Override
        public void unreadable() {}
    };

    /** The answer ended: what it was metered at (usage and cost may be null), and what it said of its model and end. */
    void metered(Usage usage, Double costUsd, AnswerReport report);

    /** A successful JSON answer ended cleanly but was not valid JSON: its usage is unknown or partial. */
    void unreadable();
}
