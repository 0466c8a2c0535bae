package dev.fairway.bench.load;

import static java.util.Objects.requireNonNull;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Sends requests on a fixed schedule, whatever the answers do: request {@code i} is due at
 * {@code start + i / rate}, and its latency counts from then, not from when it actually left. All
 * state lives on one event loop; a 1 ms timer sends whatever has come due.
 */
final class OpenLoop {
    private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(2);

    private final Vertx vertx;
    private final HttpClientAgent client;
    private final Target target;
    private final LoadCase loadCase;
    private final String runId;
    private final int maxInFlight;
    private final long timeoutMillis;

    OpenLoop(Vertx vertx, HttpClientAgent client, Target target, LoadCase loadCase, String runId, int maxInFlight,
             long timeoutMillis) {
        this.vertx = requireNonNull(vertx, "vertx");
        this.client = requireNonNull(client, "client");
        this.target = requireNonNull(target, "target");
        this.loadCase = requireNonNull(loadCase, "loadCase");
        this.runId = requireNonNull(runId, "runId");
        this.maxInFlight = maxInFlight;
        this.timeoutMillis = timeoutMillis;
    }

    /** Offers {@code rate} requests per second for {@code seconds}, then waits (bounded) for the stragglers. */
    Outcome run(double rate, double seconds) {
        if (rate <= 0 || seconds <= 0) {
            throw new IllegalArgumentException("rate and seconds: " + rate + ", " + seconds + " (expected: > 0)");
        }
        Run run = new Run(rate, (long) Math.ceil(rate * seconds));
        Context context = vertx.getOrCreateContext();
        context.runOnContext(v -> run.start());
        long waitMillis = (long) (seconds * 1000) + timeoutMillis + 5_000;
        try {
            run.done.get(waitMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            context.runOnContext(v -> run.finish());
            run.done.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        return new Outcome(target.name(), loadCase.label(), rate, seconds, run.sent, run.ok, run.errors, run.ttfb, run.total);
    }

    private final class Run {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        final Histogram ttfb = new Histogram(HIGHEST_MICROS, 3);
        final Histogram total = new Histogram(HIGHEST_MICROS, 3);
        final double intervalNanos;
        final long count;
        long startNanos;
        long timer;
        long sent;
        long ok;
        long errors;
        int inFlight;
        boolean closed;

        Run(double rate, long count) {
            this.intervalNanos = 1e9 / rate;
            this.count = count;
        }

        void start() {
            startNanos = System.nanoTime();
            timer = vertx.setPeriodic(1, id -> tick());
            tick();
        }

        void tick() {
            long now = System.nanoTime();
            while (sent < count) {
                long intended = startNanos + (long) (sent * intervalNanos);
                if (intended > now) {
                    break;
                }
                send(sent++, intended);
            }
            if (sent == count) {
                vertx.cancelTimer(timer);
                maybeDone();
            }
        }

        void send(long n, long intended) {
            if (inFlight >= maxInFlight) {
                // The generator's own bound: a server this far behind has failed the run anyway.
                errors++;
                return;
            }
            inFlight++;
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
                    .setPort(target.port()).setURI(target.pathAndQuery()).setIdleTimeout(timeoutMillis);
            options.putHeader("content-type", "application/json");
            for (Map.Entry<String, String> h : target.headers()) {
                options.addHeader(h.getKey(), h.getValue());
            }
            Buffer body = Buffer.buffer(loadCase.body(runId, n));
            client.request(options).compose(req -> req.send(body)).onComplete(ar -> {
                if (ar.failed()) {
                    ended(false, intended, false);
                    return;
                }
                read(ar.result(), intended);
            });
        }

        void read(HttpClientResponse response, long intended) {
            boolean good = response.statusCode() == 200;
            boolean[] first = {true};
            response.handler(chunk -> {
                if (first[0] && !closed) {
                    first[0] = false;
                    record(ttfb, intended);
                }
            });
            response.exceptionHandler(t -> ended(false, intended, !first[0]));
            response.endHandler(v -> {
                if (first[0] && !closed) {
                    record(ttfb, intended);
                }
                ended(good, intended, true);
            });
        }

        void ended(boolean good, long intended, boolean recordTotal) {
            if (closed) {
                return;
            }
            inFlight--;
            if (good) {
                ok++;
                record(total, intended);
            } else {
                errors++;
                if (recordTotal) {
                    record(total, intended);
                }
            }
            maybeDone();
        }

        void record(Histogram h, long intended) {
            long micros = Math.max(1, (System.nanoTime() - intended) / 1_000);
            h.recordValue(Math.min(micros, HIGHEST_MICROS));
        }

        void maybeDone() {
            if (sent == count && inFlight == 0 && !closed) {
                closed = true;
                done.complete(null);
            }
        }

        /** The wait ran out: whatever is still in flight failed. */
        void finish() {
            if (closed) {
                return;
            }
            closed = true;
            vertx.cancelTimer(timer);
            errors += inFlight + (count - sent);
            sent = count;
            inFlight = 0;
            done.complete(null);
        }
    }
}
