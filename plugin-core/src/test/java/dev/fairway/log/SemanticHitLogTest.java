package dev.fairway.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.log.spool.SpoolRecord;
import dev.fairway.plan.Choices;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A semantic cache hit is told apart from an exact one in the log record. */
class SemanticHitLogTest {
    private static final SpoolRecord.Link LINK = new SpoolRecord.Link(1, "ab".repeat(32), "log-0", 0);

    private static LogEntry withSimilarity(LogEntry e, Double similarity) {
        return new LogEntry(e.logId(), e.eventId(), e.startEpochMillis(), e.durationNanos(), e.ttfbNanos(), e.route(), e.provider(),
                e.model(), e.method(), e.path(), e.status(), e.success(), true, e.step(), e.attempts(), e.errorType(), e.usage(),
                e.costUsd(), e.customCost(), e.metadata(), e.requestBytes(), e.responseBytes(), e.truncated(), e.clientHash(),
                e.requestHeaders(), e.requestPayload(), e.responsePayload(), e.payloadTruncated(), e.redactor(), e.waitCutShort(),
                List.of(), List.of(), null, Choices.NONE, null, null, similarity);
    }

    @Test
    void aSemanticHitNamesItsMatchAndSimilarity() {
        LogEntry base = Entries.entry("log-1", 1_764_000_000_000L, null, Set.of());

        String semantic = new String(withSimilarity(base, 0.91234).render(LINK), StandardCharsets.UTF_8);
        String exact = new String(withSimilarity(base, null).render(LINK), StandardCharsets.UTF_8);

        assertThat(semantic).contains("\"cached\":true", "\"cache_match\":\"semantic\"", "\"cache_similarity\":0.912");
        assertThat(exact).contains("\"cached\":true").doesNotContain("cache_match", "cache_similarity");
    }
}
