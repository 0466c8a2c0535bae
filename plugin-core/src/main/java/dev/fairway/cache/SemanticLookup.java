package dev.fairway.cache;

import dev.fairway.cache.semantic.SemanticCache;
import dev.fairway.config.SemanticCacheSettings;
import dev.fairway.error.GatewayError;
import dev.fairway.pipeline.Exchange;
import java.util.Locale;

/**
 * One request's part in its route's semantic cache: the threshold it is looked up with (the
 * route's, or the caller's own within the route's bounds), or the 400 a bad threshold header gets.
 *
 * @param refusal the error for a bad {@value #HEADER} header, or null
 */
record SemanticLookup(SemanticCache cache, SemanticCacheSettings settings, double threshold, GatewayError refusal) {
    static final String HEADER = "fairway-cache-similarity";

    /** The lookup for {@code exchange}, or null when its route does not look up by meaning. */
    static SemanticLookup of(SemanticCache cache, Exchange exchange, SemanticCacheSettings settings) {
        if (!settings.enabled()) {
            return null;
        }
        String value = exchange.clientHeaders().get(HEADER);
        if (value == null) {
            return new SemanticLookup(cache, settings, settings.threshold(), null);
        }
        double asked;
        try {
            asked = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            asked = Double.NaN;
        }
        if (!(asked >= settings.minThreshold() && asked <= settings.maxThreshold())) {
            // The value is the caller's own and may be anything: it is not echoed back.
            return new SemanticLookup(cache, settings, settings.threshold(), GatewayError.invalidHeader(HEADER,
                    String.format(Locale.ROOT, "%s: not a number from %s to %s (this route's cache.semantic min_threshold..max_threshold)",
                            HEADER, settings.minThreshold(), settings.maxThreshold())));
        }
        return new SemanticLookup(cache, settings, asked, null);
    }

    /** The {@code fairway-cache-match} value of a semantic hit. */
    static String matchHeader(double similarity) {
        return String.format(Locale.ROOT, "semantic; similarity=%.3f", similarity);
    }
}
