package dev.fairway.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.pipeline.UpstreamObserver;
import dev.fairway.testing.Allocation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 26: each attempt's outcome reaches the latest attempt's observer, and without tracing the hook allocates nothing. */
class AttemptEndHookTest {
    private static final GatewayError TIMEOUT = GatewayError.of(ErrorType.UPSTREAM_TIMEOUT, "late");

    @Test
    void theLatestAttemptsObserverIsTold() {
        List<String> seen = new ArrayList<>();
        Trip trip = new Trip();
        trip.observing(new UpstreamObserver() {
            @Override
            public void onAttemptEnd(int status, String errorType, String next) {
                seen.add(status + "/" + errorType + "/" + next);
            }
        });
        trip.ended(503, null, "RETRY");
        trip.ended(0, Results.errorType(TIMEOUT), "NEXT");
        trip.ended(0, Results.errorType(Cancelled.INSTANCE), "STOP");
        assertThat(seen).containsExactly("503/null/RETRY", "0/upstream_timeout/NEXT", "0/cancelled/STOP");
    }

    @Test
    void withoutAnObserverTheHookAllocatesNothing() {
        Trip trip = new Trip();
        trip.observing(UpstreamObserver.NONE);
        double bytes = Allocation.perRun(100_000, () -> {
            trip.ended(503, null, "RETRY");
            trip.ended(0, Results.errorType(TIMEOUT), "NEXT");
        });
        assertThat(bytes).isLessThan(1.0);
    }
}
