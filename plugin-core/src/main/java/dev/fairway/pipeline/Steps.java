package dev.fairway.pipeline;

import dev.fairway.plan.PlannedTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One exchange's steps: the deciding stages' in order, then the recording stages' (analytics, logs),
 * which therefore observe the end last. Everything the relays ask of "the steps" (one observer, the
 * answer's filter, the end) is asked here.
 */
final class Steps {
    private static final Logger LOG = LoggerFactory.getLogger(Steps.class);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    /** A stalled disk must not hold answers forever: after this the answer ends regardless. */
    private static final long HOLD_LIMIT_SECONDS = 10;

    private final List<Step> steps = new ArrayList<>(6);
    private int listeners;

    List<Step> list() {
        return steps;
    }

    /** A deciding stage's step, placed before every recorder. */
    void add(Step step) {
        if (step != Step.NONE) {
            steps.add(steps.size() - listeners, step);
        }
    }

    /** A recording stage's step; it sees every ending. */
    void listen(Step step) {
        if (step != Step.NONE) {
            steps.add(step);
            listeners++;
        }
    }

    ResponseObserver observer() {
        return FanOut.of(steps);
    }

    UpstreamObserver upstreamObserver(PlannedTarget target, UpstreamRequest planned) {
        List<UpstreamObserver> observers = new ArrayList<>(1);
        for (Step s : steps) {
            UpstreamObserver o = s.upstreamObserver(target, planned);
            if (o != null) {
                observers.add(o);
            }
        }
        return UpstreamFanOut.of(observers);
    }

    ResponseFilter responseFilter(int status, String contentType) {
        for (Step s : steps) {
            ResponseFilter f = s.responseFilter(status, contentType);
            if (f != null) {
                return f;
            }
        }
        return null;
    }

    /** Tells every step; completes when those that hold the answer's end have made their work durable. */
    CompletableFuture<Void> complete(Completion completion, String logId) {
        CompletableFuture<Void> held = DONE;
        for (Step s : steps) {
            try {
                s.afterCompletion(completion);
                if (s.holdsAnswerEnd()) {
                    held = held == DONE ? s.durable() : CompletableFuture.allOf(held, s.durable());
                }
            } catch (RuntimeException e) {
                // One step's failure must not keep the others (the log record) from the end.
                LOG.warn("completion step {} of request {} failed: {}", s.getClass().getSimpleName(), logId, e.toString());
            }
        }
        return held.isDone() ? held : held.completeOnTimeout(null, HOLD_LIMIT_SECONDS, TimeUnit.SECONDS);
    }

    boolean holdAnswerEnd() {
        for (Step s : steps) {
            if (s.holdsAnswerEnd()) {
                return true;
            }
        }
        return false;
    }
}
