package dev.fairway.analytics;

/**
 * What one minute's counters are kept apart by. Cached answers and errors are counted inside the
 * rollup rather than split into keys of their own, which keeps a minute to one key per route,
 * provider and model. A base key has no metadata; a request with metadata also adds to one key per
 * metadata entry, so that metadata can be filtered on and grouped by together with the other
 * dimensions.
 */
record RollupKey(String route, String provider, String model, String metaKey, String metaValue) {
    static final String OTHER = "other";
    static final RollupKey BASE_OVERFLOW = new RollupKey(OTHER, OTHER, OTHER, null, null);
    static final RollupKey META_OVERFLOW = new RollupKey(OTHER, OTHER, OTHER, OTHER, OTHER);

    boolean isBase() {
        return metaKey == null;
    }

    /** Where a minute's new keys go once the store is full: still counted, no longer attributed. */
    RollupKey overflow() {
        return isBase() ? BASE_OVERFLOW : META_OVERFLOW;
    }
}
