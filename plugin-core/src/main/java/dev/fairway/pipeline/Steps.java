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
    /** The deciding steps' stage names, in step order, kept only while a recorder watches (tracing on). */
    private List<String> names;
    private int listeners;
    private StageWatch watch;

    List<Step> list() {
        return steps;
    }

    /** A deciding stage's step, placed before every recorder. */
    void add(String stage, Step step) {
        if (step != Step.NONE) {
            // Recorders are attached before any deciding step, so the watch is known here.
            if (watch != null) {
                if (names == null) {
                    names = new ArrayList<>(4);
                }
                names.add(stage);
            }
            steps.add(steps.size() - listeners, step);
        }
    }

    /** A recording stage's step; it sees every ending. */
    void listen(Step step) {
        if (step != Step.NONE) {
            steps.add(step);
            listeners++;
            StageWatch w = step.stageWatch();
            if (w != null) {
                watch = w;
            }
        }
    }

    /** The stage name of step {@code index} when it is a deciding stage's, else null (a recorder). */
    String name(int index) {
        return names != null && index < names.size() ? names.get(index) : null;
    }

    /** The recording step's watch over deciding stages, or null when no recorder watches (tracing off). */
    StageWatch watch() {
        return watch;
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
