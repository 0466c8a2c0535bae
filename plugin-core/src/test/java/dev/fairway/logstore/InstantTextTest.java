package dev.fairway.logstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The feeder's reading of {@code created_at} gives what {@link Instant#parse} gave, for every text. */
class InstantTextTest {
    @Test
    void whatTheSpoolWritesReadsAsInstantParseReadsIt() {
        SplittableRandom rnd = new SplittableRandom(11);
        long first = Instant.parse("0000-01-01T00:00:00Z").toEpochMilli();
        long last = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();
        for (int i = 0; i < 200_000; i++) {
            long ms = rnd.nextLong(first, last + 1);
            if (i % 4 == 0) {
                ms -= Math.floorMod(ms, 1000); // a whole second: written without a fraction
            }
            String text = Instant.ofEpochMilli(ms).toString();
            assertThat(InstantText.epochMillis(text)).as(text).isEqualTo(ms).isEqualTo(Instant.parse(text).toEpochMilli());
        }
        for (String text : List.of("1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999Z", "2000-02-29T12:00:00.000Z",
                "2024-02-29T23:59:59.999Z", "2100-02-28T00:00:00Z", "1600-02-29T00:00:00Z")) {
            assertThat(InstantText.epochMillis(text)).as(text).isEqualTo(Instant.parse(text).toEpochMilli());
        }
    }

    @Test
    void anyOtherTextIsLeftToInstantParse() {
        // Forms the fast path does not take: the parser's answer (an instant or its refusal) stands.
        for (String text : List.of("2026-01-01T00:00:00.1Z", "2026-01-01T00:00:00.123456Z", "2026-01-01T00:00:00.123456789Z",
                "2026-01-01T23:59:60Z", "2026-01-01T00:00:00+01:00", "+12026-01-01T00:00:00Z", "-0001-01-01T00:00:00Z",
                "2026-01-01T24:00:00Z", "2026-01-01t00:00:00Z", "2026-01-01T00:00:00z")) {
            assertThat(InstantText.epochMillis(text)).as(text).isEqualTo(Instant.parse(text).toEpochMilli());
        }
        for (String text : List.of("2023-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z",
                "2026-04-31T00:00:00.000Z", "2026-01-01T00:60:00Z", "2026-01-01T00:00:00", "2026/01/01T00:00:00Z", "2026-01-01T00:00:00,123Z",
                "2026-01-01T0a:00:00Z", "\uff12026-01-01T00:00:00Z", "yesterday", "", "2026-01-01T00:00:00.12aZ")) {
            assertThatThrownBy(() -> Instant.parse(text)).as(text).isInstanceOf(DateTimeParseException.class);
            assertThatThrownBy(() -> InstantText.epochMillis(text)).as(text).isInstanceOf(DateTimeParseException.class);
        }
    }
}
