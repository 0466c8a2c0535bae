package dev.fairway.plan;

/**
 * What planning chose for a request beyond its targets, for the log record and analytics: the
 * prompt template it was rendered from and the experiment arm it fell in. Every field may be null.
 *
 * @param promptVersion the version rendered, 1-based; null when no prompt was named
 */
public record Choices(String prompt, Integer promptVersion, String experiment, String arm) {
    public static final Choices NONE = new Choices(null, null, null, null);
}
