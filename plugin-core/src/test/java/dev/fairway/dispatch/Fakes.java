package dev.fairway.dispatch;

import dev.fairway.headers.CfAigHeaderParser;
import dev.fairway.http.Headers;
import dev.fairway.plan.PlannedTarget;
import dev.fairway.provider.ProviderRegistry;
import dev.fairway.provider.UpstreamTarget;
import dev.fairway.config.ProviderSettings;
import dev.fairway.retry.BreakerSettings;
import dev.fairway.retry.CircuitBreaker;
import dev.fairway.retry.RetryPolicy;
import dev.fairway.retry.RetryRule;
import dev.fairway.retry.RetrySettings;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/** Hand-driven stand-ins for the upstream calls' tests: a scripted inner call, answers, targets, timers. */
final class Fakes {
    private Fakes() {}

    static final Set<Integer> STATUSES = Set.of(429, 500, 502, 503, 504);

    /** {@code maxAttempts} per target, 100 ms constant waits, the default statuses retried. */
    static RetryPolicy policy(int maxAttempts) {
        return RetryPolicy.of(new RetrySettings(maxAttempts, 100, "constant", null, null, null), CfAigHeaderParser.parse(new Headers()), () -> 0);
    }

    static PlannedTarget target(int step, String provider, int maxAttempts) {
        ProviderRegistry registry = ProviderRegistry.builtIn();
        UpstreamTarget t = new UpstreamTarget(registry.require(provider), URI.create("https://" + provider + ".example/v1/chat/completions"),
                ProviderSettings.none(), "chat/completions", null, false);
        return new PlannedTarget(step, t, "model-" + step, false, null, null, new Headers(), null, policy(maxAttempts));
    }

    static CircuitBreaker circuit(AtomicLong now) {
        return new CircuitBreaker(new BreakerSettings(true, 1, 60, 30), now::get);
    }

    /** A picked, numbered attempt of {@code target}. */
    static Attempt attempt(PlannedTarget target, boolean lastTarget, CircuitBreaker circuit, Future<Void> cancelled) {
        RetryRule rule = new RetryRule(target.retry(), STATUSES::contains, lastTarget, 10);
        return Attempt.first(target, cancelled).at(0, target, rule, circuit).numbered(1, 1);
    }

    static UpstreamHead head(int status, String... headers) {
        return new UpstreamHead(status, Headers.of(headers), new Body(), () -> { });
    }

    /** An inner call answering from a script, one entry per attempt, recording what it was asked. */
    static final class Script implements UpstreamCall {
        final List<Attempt> attempts = new ArrayList<>();
        final List<Object> results = new ArrayList<>();
        final List<Promise<UpstreamHead>> pending = new ArrayList<>();

        /** Queues an answer ({@link UpstreamHead}), a failure ({@link Throwable}) or, for null, an attempt that waits. */
        Script then(Object result) {
            results.add(result);
            return this;
        }

        @Override
        public Future<UpstreamHead> call(Attempt attempt) {
            attempts.add(attempt);
            Object r = results.remove(0);
            if (r instanceof UpstreamHead h) {
                return Future.succeededFuture(h);
            }
            if (r instanceof Throwable t) {
                return Future.failedFuture(t);
            }
            Promise<UpstreamHead> p = Promise.promise();
            pending.add(p);
            attempt.cancelled().onSuccess(v -> p.tryFail(Cancelled.INSTANCE));
            return p.future();
        }
    }

    /** Timers run by hand. */
    static final class Timers implements TimeoutCall.Timers {
        final List<Long> delays = new ArrayList<>();
        final List<Runnable> tasks = new ArrayList<>();
        int cancelled;

        @Override
        public Runnable schedule(long delayMs, Runnable task) {
            delays.add(delayMs);
            tasks.add(task);
            return () -> cancelled++;
        }
    }

    /** Retry waits recorded and run at once. */
    static final class Waits implements RetryScheduler {
        final List<Long> waits = new ArrayList<>();

        @Override
        public void schedule(long waitMs, Runnable retry) {
            waits.add(waitMs);
            retry.run();
        }
    }

    /** A body that ends as soon as it is read. */
    static final class Body implements ReadStream<Buffer> {
        boolean resumed;
        private Handler<Void> end;

        @Override
        public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
            return this;
        }

        @Override
        public ReadStream<Buffer> handler(Handler<Buffer> handler) {
            return this;
        }

        @Override
        public ReadStream<Buffer> pause() {
            return this;
        }

        @Override
        public ReadStream<Buffer> resume() {
            resumed = true;
            if (end != null) {
                end.handle(null);
            }
            return this;
        }

        @Override
        public ReadStream<Buffer> fetch(long amount) {
            return resume();
        }

        @Override
        public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
            this.end = endHandler;
            return this;
        }
    }
}
