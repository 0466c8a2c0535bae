package dev.fairway.config;

import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One quota of a route: how much of one unit each key may use per window. The record keeps what was
 * written (the window as text, the limit as a number) so that errors can quote it; the quota stage
 * reads the parsed forms ({@link #windowDuration()}, {@link #limitUnits()}).
 */
@Doc("A quota: how much of one unit each key (a client, a user, a model...) may use per window.")
public record QuotaRule(
        @Required(message = "null (expected: 1 to 64 letters, digits, '_', '-' or '.')")
        @Match(value = "[A-Za-z0-9_.-]+", expected = "1 to 64 letters, digits, '_', '-' or '.'")
        @Length(min = 1, max = 64, expected = "1 to 64 letters, digits, '_', '-' or '.'")
        @Doc("Rule name, unique within the route; 429 answers name it (error.rule) and the RateLimit headers carry it.") String name,
        @Doc(value = "Dimensions whose values make up the bucket key, one bucket per distinct combination: route, client (the authenticated gateway client), credential (hash of the provider key), consumer (the host gateway's consumer), provider, model, metadata.<key> (a cf-aig-metadata value). A missing value counts as \"anonymous\".", defaultValue = "[route]")
        List<@Match(value = "route|client|credential|consumer|provider|model|metadata\\..+",
                expected = "one of route, client, credential, consumer, provider, model, metadata.<key>") String> key,
        @Doc(value = "What the rule counts: requests, upstream_attempts, input_tokens, output_tokens, total_tokens or cost_usd. Requests are taken before the upstream call; upstream_attempts takes one then and charges each further attempt (retries, fallback targets, Universal steps) when the request ends; tokens and cost are checked before the call and charged once the answer's usage is known.", defaultValue = "requests") Unit unit,
        @Required(message = "missing (expected: > 0)")
        @GreaterThan(0)
        @Doc("How much of the unit one key may use per window; > 0, a whole number except for cost_usd (dollars, e.g. 2.50).") Double limit,
        @Required(message = "missing (expected: e.g. 60s, 1h, 1d)")
        @Match(value = "[0-9]+[smhd]", expected = "a whole number with s, m, h or d, from 1s to 366d, e.g. 60s, 1h, 1d")
        @Length(max = 10, expected = "a whole number with s, m, h or d, from 1s to 366d, e.g. 60s, 1h, 1d")
        @Doc("Window length: a whole number followed by s, m, h or d, from 1s to 366d (60s, 15m, 1h, 1d).") String window,
        @Doc(value = "fixed: the whole limit comes back at each window boundary (windows aligned to the Unix epoch). sliding: the limit comes back gradually, limit/window per second, so no burst of twice the limit straddles a boundary.", defaultValue = "fixed") Technique technique,
        @Doc(value = "What to do when the quota store (Redis) cannot be reached: fail_open admits the request, fail_closed refuses it with 503.", defaultValue = "fail_open") StoreFailure onStoreFailure)
        implements Validatable {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern WINDOW = Pattern.compile("([0-9]{1,9})([smhd])");
    private static final Set<String> DIMENSIONS = Set.of("route", "client", "credential", "consumer", "provider", "model");
    private static final long MAX_WINDOW_SECONDS = 366L * 24 * 3600;
    /** Cost is counted in millionths of a dollar: buckets hold whole tokens. */
    public static final long MICROS_PER_USD = 1_000_000;

    public QuotaRule {
        key = key == null || key.isEmpty() ? List.of("route") : List.copyOf(key);
        unit = Objects.requireNonNullElse(unit, Unit.REQUESTS);
        technique = Objects.requireNonNullElse(technique, Technique.FIXED);
        onStoreFailure = Objects.requireNonNullElse(onStoreFailure, StoreFailure.FAIL_OPEN);
    }

    /** The counted unit. */
    public enum Unit {
        REQUESTS, UPSTREAM_ATTEMPTS, INPUT_TOKENS, OUTPUT_TOKENS, TOTAL_TOKENS, COST_USD;

        @JsonValue
        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** How the window is enforced. */
    public enum Technique {
        FIXED, SLIDING;

        @JsonValue
        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The answer when the quota store is unreachable. */
    public enum StoreFailure {
        FAIL_OPEN, FAIL_CLOSED;

        @JsonValue
        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The window; only valid on a validated rule. */
    public Duration windowDuration() {
        Duration d = parseWindow(window);
        if (d == null) {
            throw new IllegalStateException("window: " + window + " was not validated");
        }
        return d;
    }

    /** The limit in bucket tokens: requests or tokens as written, cost in millionths of a dollar. */
    public long limitUnits() {
        return unit == Unit.COST_USD ? Math.round(limit * MICROS_PER_USD) : limit.longValue();
    }

    @Override
    public void validate(Problems problems) {
        // Single-field rules are the components' constraint annotations, checked by Constraints;
        // what depends on other fields (the unit, the window) is checked here.
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < key.size(); i++) {
            String dim = key.get(i);
            if (isDimension(dim) && !seen.add(dim)) {
                problems.add("key[" + i + "]", "%s is listed twice", dim);
            }
        }
        if (limit != null && limit > 0 && !limit.isInfinite()) {
            if (unit == Unit.COST_USD) {
                problems.require(limit * MICROS_PER_USD >= 1 && limit <= 1e12, "limit", "%s (expected: 0.000001 to 1000000000000 dollars)", plain(limit));
            } else {
                problems.require(limit == Math.rint(limit) && limit <= 1e15, "limit", "%s (expected: a whole number of %s up to 10^15)", plain(limit), unit);
            }
        }
        if (window == null || !WINDOW.matcher(window).matches()) {
            return; // reported by its constraints
        }
        if (parseWindow(window) == null) {
            problems.add("window", "%s (expected: a whole number with s, m, h or d, from 1s to 366d, e.g. 60s, 1h, 1d)", window);
        } else if (limit != null && limit > 0 && !limit.isInfinite()) {
            // Buckets refill at most one unit per nanosecond; a faster rule could never be built.
            long nanos = parseWindow(window).toNanos();
            double units = unit == Unit.COST_USD ? limit * MICROS_PER_USD : limit;
            problems.require(units <= nanos, "limit", "%s per %s is more than one %s per nanosecond (expected: at most %d per %s)",
                    plain(limit), window, unit == Unit.COST_USD ? "micro-dollar" : "unit",
                    unit == Unit.COST_USD ? nanos / MICROS_PER_USD : nanos, window);
        }
    }

    private static boolean isDimension(String dim) {
        if (dim == null) {
            return false;
        }
        if (dim.startsWith("metadata.")) {
            return dim.length() > "metadata.".length();
        }
        return DIMENSIONS.contains(dim);
    }

    private static Duration parseWindow(String text) {
        Matcher m = WINDOW.matcher(text.trim());
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        long seconds = switch (m.group(2)) {
            case "s" -> n;
            case "m" -> n * 60;
            case "h" -> n * 3600;
            default -> n * 86_400;
        };
        return seconds >= 1 && seconds <= MAX_WINDOW_SECONDS ? Duration.ofSeconds(seconds) : null;
    }

    private static String plain(Double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString(d.longValue()) : d.toString();
    }
}
