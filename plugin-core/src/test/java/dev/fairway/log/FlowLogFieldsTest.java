package dev.fairway.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.log.spool.SpoolRecord;
import dev.fairway.pipeline.Usage;
import dev.fairway.plan.FlowRoute;
import dev.fairway.plan.ModelHop;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The log record names the routing flow, version and branch that chose the model; a request without one names none. */
class FlowLogFieldsTest {
    private static final SpoolRecord.Link LINK = new SpoolRecord.Link(1, "0".repeat(64), null, 0);

    @Test
    void aFlowsRequestRecordsFlowVersionAndBranch() {
        FlowRoute flow = new FlowRoute("support", 3, "paid", List.of(new ModelHop("paid", "openai", "gpt-4o", null, null)), FlowRoute.Charges.NONE);
        String line = new String(entry(flow).render(LINK), StandardCharsets.UTF_8);
        assertThat(line).contains("\"flow\":\"support\",\"flow_version\":3,\"flow_branch\":\"paid\"");
        assertThat(new String(entry(null).render(LINK), StandardCharsets.UTF_8)).doesNotContain("\"flow");
    }

    private static LogEntry entry(FlowRoute flow) {
        return new LogEntry("log-1", "evt-1", 1_764_000_000_000L, 1_000_000, 500_000, "main", "openai", "gpt-4o", "POST",
                "/chat/completions", 200, true, false, 0, 1, null, new Usage(1, 2, 0), null, false, Map.of(), 10, 20, false,
                "c0ffee", Map.of(), null, null, false, Redactor.NONE, false, List.of(), List.of(), flow, dev.fairway.plan.Choices.NONE, null);
    }
}
