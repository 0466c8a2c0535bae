package dev.fairway.logstore;

import java.time.Instant;
import java.time.Month;
import java.time.Year;

/**
 * Reads a record's {@code created_at}, the text {@code Instant.ofEpochMilli(ms).toString()} wrote
 * ({@code 2026-01-01T00:00:00.123Z}, or without the fraction at a whole second), without
 * {@link Instant#parse}: its formatter was a tenth of the feeder's parse CPU per line
 * (docs/benchmarks.md, "Log store feeder"). Any other text goes to {@link Instant#parse}, so what
 * is accepted and what it means is the same.
 */
final class InstantText {
    private static final long DAY_MILLIS = 86_400_000L;

    private InstantText() {}

    /** Milliseconds since the epoch; a {@link java.time.format.DateTimeParseException} as {@link Instant#parse} throws it. */
    static long epochMillis(String text) {
        long millis = fast(text);
        return millis != Long.MIN_VALUE ? millis : Instant.parse(text).toEpochMilli();
    }

    /** {@code text} in the writer's form, else {@link Long#MIN_VALUE} (no instant of that form is so early). */
    private static long fast(String text) {
        int length = text.length();
        if ((length != 20 && length != 24) || text.charAt(length - 1) != 'Z' || text.charAt(4) != '-'
                || text.charAt(7) != '-' || text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':'
                || (length == 24 && text.charAt(19) != '.')) {
            return Long.MIN_VALUE;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        int millis = length == 24 ? digits(text, 20, 3) : 0;
        // A leap second (:60) and every other range the parser resolves or refuses is left to it.
        if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59 || millis < 0 || day > Month.of(month).length(Year.isLeap(year))) {
            return Long.MIN_VALUE;
        }
        return epochDay(year, month, day) * DAY_MILLIS + hour * 3_600_000L + minute * 60_000L + second * 1_000L + millis;
    }

    /** The decimal number in {@code text[from, from + count)}, -1 unless all of it is ASCII digits. */
    private static int digits(String text, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            int d = text.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (the civil-from-days inverse, as LocalDate counts). */
    private static long epochDay(long year, int month, int day) {
        long y = month <= 2 ? year - 1 : year;
        long era = Math.floorDiv(y, 400);
        long yoe = y - era * 400;
        long doy = (153L * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097 + doe - 719_468;
    }
}
