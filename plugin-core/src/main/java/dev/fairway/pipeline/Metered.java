package dev.fairway.pipeline;

/**
 * What the exchange's upstream answer was metered at: tokens and cost, written by the metering
 * step's {@link UpstreamObserver} when the relayed answer ends and read into the exchange's
 * {@link Completion}, whichever relay (the dispatcher's, a host's) carried the answer.
 */
public final class Metered {
    private volatile Reading reading;

    /** One answer's reading; either part may be null (not reported, no price). */
    private record Reading(Usage usage, Double costUsd, AnswerReport report) {}

    /** Records the reading of the answer relayed to the client; a later attempt's replaces an earlier one's. */
    public void record(Usage usage, Double costUsd) {
        record(usage, costUsd, AnswerReport.NONE);
    }

    /** As {@link #record(Usage, Double)}, with what the answer said of its model and why it stopped. */
    public void record(Usage usage, Double costUsd, AnswerReport report) {
        this.reading = new Reading(usage, costUsd, report == null ? AnswerReport.NONE : report);
    }

    /** Whether an upstream answer was metered. */
    public boolean known() {
        return reading != null;
    }

    /** Tokens, or null when no answer was metered or it reported none. */
    public Usage usage() {
        Reading r = reading;
        return r == null ? null : r.usage();
    }

    /** The cost, or null when no answer was metered or its cost is unknown. */
    public Double costUsd() {
        Reading r = reading;
        return r == null ? null : r.costUsd();
    }

    /** The answering model and finish reasons the metered answer reported; {@link AnswerReport#NONE} when none was metered. */
    public AnswerReport report() {
        Reading r = reading;
        return r == null ? AnswerReport.NONE : r.report();
    }

    /** {@code completion} with this reading's usage and cost, when an answer was metered; else as it is. */
    Completion onto(Completion completion) {
        Reading r = reading;
        return r == null ? completion : completion.withUsage(r.usage(), r.costUsd());
    }
}
