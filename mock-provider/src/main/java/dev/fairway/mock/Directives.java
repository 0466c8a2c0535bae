package dev.fairway.mock;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code x-mock-*} request headers: how a test, even one talking through a gateway that forwards
 * headers, shapes one answer. A bad value is an IllegalArgumentException whose message names the header.
 *
 * @param chunks content chunks for this answer
 * @param cachedTokens input tokens to report as served from the provider's cache
 * @param fault the fault the headers ask for, if any
 */
record Directives(int chunks, int cachedTokens, Optional<HeaderFault> fault) {

    static final String CHUNKS = "x-mock-chunks";
    static final String CACHED_TOKENS = "x-mock-cached-tokens";
    static final String STATUS = "x-mock-status";
    static final String RETRY_AFTER = "x-mock-retry-after";
    static final String DELAY_MS = "x-mock-delay-ms";
    static final String CHUNK_DELAY_MS = "x-mock-chunk-delay-ms";
    static final String CUT_AFTER = "x-mock-cut-after";
    static final String RESET = "x-mock-reset";
    static final String ERROR_EVENT = "x-mock-error-event";
    static final String ERROR_IN_200 = "x-mock-error-in-200";
    static final String FAIL_TIMES = "x-mock-fail-times";
    static final String FAIL_KEY = "x-mock-fail-key";
    static final String FAIL_MODEL = "x-mock-fail-model";

    /** The headers that ask for a fault; their presence alone makes a request a faulty one. */
    static final List<String> FAULT_HEADERS = List.of(STATUS, RETRY_AFTER, DELAY_MS, CHUNK_DELAY_MS,
            CUT_AFTER, RESET, ERROR_EVENT, ERROR_IN_200, FAIL_TIMES, FAIL_KEY, FAIL_MODEL);

    /** The status a fault gets when its headers only say which requests fail, not how. */
    static final int DEFAULT_FAULT_STATUS = 503;

    Directives {
        Objects.requireNonNull(fault, "fault");
    }

    /**
     * A fault from headers, with the two gates only headers have.
     *
     * @param failModel apply only when the request's model is this one, or null for any model
     * @param failKey the counter {@code x-mock-fail-times} counts on, or null for the request's own
     */
    record HeaderFault(Fault fault, String failModel, String failKey) {
        HeaderFault {
            Objects.requireNonNull(fault, "fault");
        }
    }

    static Directives read(RecordedRequest request, int defaultChunks) {
        Objects.requireNonNull(request, "request");
        int chunks = intHeader(request, CHUNKS, 1, MockOptions.MAX_CHUNKS).orElse(defaultChunks);
        int cached = intHeader(request, CACHED_TOKENS, 0, Integer.MAX_VALUE).orElse(0);
        return new Directives(chunks, cached, fault(request));
    }

    private static Optional<HeaderFault> fault(RecordedRequest r) {
        if (FAULT_HEADERS.stream().noneMatch(h -> r.header(h).isPresent())) {
            return Optional.empty();
        }
        Fault.Builder b = Fault.builder();
        intHeader(r, STATUS, 400, 599).ifPresent(b::status);
        intHeader(r, RETRY_AFTER, 0, Integer.MAX_VALUE).ifPresent(b::retryAfterSeconds);
        int maxDelay = (int) Fault.MAX_DELAY.toMillis();
        intHeader(r, DELAY_MS, 0, maxDelay).ifPresent(ms -> b.firstByteDelay(Duration.ofMillis(ms)));
        intHeader(r, CHUNK_DELAY_MS, 0, maxDelay).ifPresent(ms -> b.chunkDelay(Duration.ofMillis(ms)));
        intHeader(r, CUT_AFTER, 0, Integer.MAX_VALUE).ifPresent(b::cutAfter);
        if (flag(r, RESET)) {
            b.resetConnection();
        }
        if (flag(r, ERROR_EVENT)) {
            b.errorEvent();
        }
        if (flag(r, ERROR_IN_200)) {
            b.errorIn200();
        }
        intHeader(r, FAIL_TIMES, 1, Integer.MAX_VALUE).ifPresent(b::times);
        String failKey = r.header(FAIL_KEY).map(String::trim).orElse(null);
        if (failKey != null && r.header(FAIL_TIMES).isEmpty()) {
            throw new IllegalArgumentException(FAIL_KEY + " only makes sense with " + FAIL_TIMES);
        }
        String failModel = r.header(FAIL_MODEL).map(String::trim).orElse(null);
        Fault fault = b.build();
        if (!fault.hasEffect()) {
            fault = fault.withStatus(DEFAULT_FAULT_STATUS);
        }
        return Optional.of(new HeaderFault(fault, failModel, failKey));
    }

    private static Optional<Integer> intHeader(RecordedRequest r, String name, int min, int max) {
        Optional<String> value = r.header(name);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        int parsed;
        try {
            parsed = Integer.parseInt(value.get().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, got '" + value.get() + "'", e);
        }
        if (parsed < min || parsed > max) {
            throw new IllegalArgumentException(name + " must be " + min + ".." + max + ", got " + parsed);
        }
        return Optional.of(parsed);
    }

    private static boolean flag(RecordedRequest r, String name) {
        Optional<String> value = r.header(name);
        if (value.isEmpty()) {
            return false;
        }
        return switch (value.get().trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, got '" + value.get() + "'");
        };
    }
}
