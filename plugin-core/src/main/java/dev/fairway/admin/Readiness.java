package dev.fairway.admin;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Whether the process can serve, for {@code /readyz} (a Kubernetes readiness probe): every named
 * check must answer within {@link #TIMEOUT}. A check completes normally when it holds and fails
 * with a short reason (never a secret) when it does not. {@code /healthz} stays liveness only: a
 * process that cannot reach Redis should leave the load balancer, not be restarted.
 */
public final class Readiness {
    /** How long one check may take before it counts as failing. */
    public static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final List<Map.Entry<String, Supplier<CompletableFuture<Void>>>> checks = new ArrayList<>();

    /** Adds a check; {@code check} is asked anew on every probe. */
    public Readiness add(String name, Supplier<CompletableFuture<Void>> check) {
        checks.add(Map.entry(requireNonNull(name, "name"), requireNonNull(check, "check")));
        return this;
    }

    /** A check that holds while {@code holds} returns null and otherwise fails with what it returned. */
    public Readiness addSync(String name, Supplier<String> failure) {
        requireNonNull(failure, "failure");
        return add(name, () -> {
            String why = failure.get();
            return why == null ? CompletableFuture.completedFuture(null)
                    : CompletableFuture.failedFuture(new IllegalStateException(why));
        });
    }

    /** Runs every check; completes with the name of each and "ok" or the reason it failed. */
    public CompletableFuture<Report> evaluate() {
        Map<String, CompletableFuture<String>> running = new LinkedHashMap<>();
        for (Map.Entry<String, Supplier<CompletableFuture<Void>>> c : checks) {
            CompletableFuture<Void> f;
            try {
                f = c.getValue().get();
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            running.put(c.getKey(), f.orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .handle((ok, t) -> t == null ? "ok" : reason(t)));
        }
        return CompletableFuture.allOf(running.values().toArray(CompletableFuture[]::new)).thenApply(v -> {
            Map<String, String> results = new LinkedHashMap<>();
            running.forEach((name, f) -> results.put(name, f.join()));
            return new Report(results);
        });
    }

    private static String reason(Throwable t) {
        Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (cause instanceof TimeoutException) {
            return "no answer within " + TIMEOUT.toMillis() + " ms";
        }
        String message = cause.getMessage();
        return message == null || message.isBlank() ? "failing" : message;
    }

    /** Each check's outcome, in the order they were added. */
    public record Report(Map<String, String> checks) {
        public boolean ready() {
            return checks.values().stream().allMatch("ok"::equals);
        }
    }
}
