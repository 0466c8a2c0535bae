package dev.fairway.mock;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the mock does wrong for one request: an error status, a slow start, a slow or broken stream,
 * a dropped connection. Faults combine; the first-byte delay always comes first. Built with
 * {@link #builder()}; {@link #status(int)} is the common case.
 */
public final class Fault {

    /** Longest delay accepted, so a typo cannot hang a test run. */
    static final Duration MAX_DELAY = Duration.ofMinutes(10);

    private final int status;
    private final Integer retryAfterSeconds;
    private final String body;
    private final Duration firstByteDelay;
    private final Duration chunkDelay;
    private final Integer cutAfter;
    private final boolean resetConnection;
    private final boolean errorEvent;
    private final boolean errorIn200;
    private final Integer times;

    private Fault(Builder b) {
        this.status = b.status;
        this.retryAfterSeconds = b.retryAfterSeconds;
        this.body = b.body;
        this.firstByteDelay = b.firstByteDelay;
        this.chunkDelay = b.chunkDelay;
        this.cutAfter = b.cutAfter;
        this.resetConnection = b.resetConnection;
        this.errorEvent = b.errorEvent;
        this.errorIn200 = b.errorIn200;
        this.times = b.times;
    }

    /** Answer with this HTTP status (400-599) and the provider's error body. */
    public static Fault status(int status) {
        return builder().status(status).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** 0 when the fault does not change the status. */
    int statusCode() {
        return status;
    }

    OptionalInt retryAfterSeconds() {
        return retryAfterSeconds == null ? OptionalInt.empty() : OptionalInt.of(retryAfterSeconds);
    }

    Optional<String> body() {
        return Optional.ofNullable(body);
    }

    Duration firstByteDelay() {
        return firstByteDelay;
    }

    Duration chunkDelay() {
        return chunkDelay;
    }

    OptionalInt cutAfter() {
        return cutAfter == null ? OptionalInt.empty() : OptionalInt.of(cutAfter);
    }

    boolean resetConnection() {
        return resetConnection;
    }

    boolean errorEvent() {
        return errorEvent;
    }

    boolean errorIn200() {
        return errorIn200;
    }

    OptionalInt times() {
        return times == null ? OptionalInt.empty() : OptionalInt.of(times);
    }

    /** Whether anything but the Retry-After header and the request budget was asked for. */
    boolean hasEffect() {
        return status != 0 || body != null || !firstByteDelay.isZero() || !chunkDelay.isZero()
                || cutAfter != null || resetConnection || errorEvent || errorIn200;
    }

    /** The same fault with another status; used when only a budget or a model gate was given. */
    Fault withStatus(int newStatus) {
        return toBuilder().status(newStatus).build();
    }

    private Builder toBuilder() {
        Builder b = new Builder();
        b.status = status;
        b.retryAfterSeconds = retryAfterSeconds;
        b.body = body;
        b.firstByteDelay = firstByteDelay;
        b.chunkDelay = chunkDelay;
        b.cutAfter = cutAfter;
        b.resetConnection = resetConnection;
        b.errorEvent = errorEvent;
        b.errorIn200 = errorIn200;
        b.times = times;
        return b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Fault f && status == f.status && resetConnection == f.resetConnection
                && errorEvent == f.errorEvent && errorIn200 == f.errorIn200
                && Objects.equals(retryAfterSeconds, f.retryAfterSeconds) && Objects.equals(body, f.body)
                && firstByteDelay.equals(f.firstByteDelay) && chunkDelay.equals(f.chunkDelay)
                && Objects.equals(cutAfter, f.cutAfter) && Objects.equals(times, f.times);
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, retryAfterSeconds, body, firstByteDelay, chunkDelay, cutAfter,
                resetConnection, errorEvent, errorIn200, times);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Fault[");
        if (status != 0) s.append(" status=").append(status);
        if (retryAfterSeconds != null) s.append(" retryAfter=").append(retryAfterSeconds).append('s');
        if (body != null) s.append(" body=").append(body.length()).append(" chars");
        if (!firstByteDelay.isZero()) s.append(" firstByteDelay=").append(firstByteDelay.toMillis()).append("ms");
        if (!chunkDelay.isZero()) s.append(" chunkDelay=").append(chunkDelay.toMillis()).append("ms");
        if (cutAfter != null) s.append(" cutAfter=").append(cutAfter);
        if (resetConnection) s.append(" reset");
        if (errorEvent) s.append(" errorEvent");
        if (errorIn200) s.append(" errorIn200");
        if (times != null) s.append(" times=").append(times);
        return s.append(" ]").toString();
    }

    /** Collects a fault; every setter validates at once so a bad value names itself. */
    public static final class Builder {
        private int status;
        private Integer retryAfterSeconds;
        private String body;
        private Duration firstByteDelay = Duration.ZERO;
        private Duration chunkDelay = Duration.ZERO;
        private Integer cutAfter;
        private boolean resetConnection;
        private boolean errorEvent;
        private boolean errorIn200;
        private Integer times;

        private Builder() {
        }

        /** Answer with this status (400-599) and the provider's error body. */
        public Builder status(int status) {
            if (status < 400 || status > 599) {
                throw new IllegalArgumentException("status must be 400-599, got " + status);
            }
            this.status = status;
            return this;
        }

        /** Add {@code Retry-After: seconds} to the answer. */
        public Builder retryAfterSeconds(int seconds) {
            if (seconds < 0) {
                throw new IllegalArgumentException("retryAfterSeconds must be >= 0, got " + seconds);
            }
            this.retryAfterSeconds = seconds;
            return this;
        }

        /** Send this JSON text as the error body instead of the provider-shaped one. */
        public Builder body(String body) {
            this.body = Objects.requireNonNull(body, "body");
            return this;
        }

        /** Wait this long before the first byte of the answer. */
        public Builder firstByteDelay(Duration delay) {
            this.firstByteDelay = checkDelay(delay, "firstByteDelay");
            return this;
        }

        /** Wait this long between stream events. */
        public Builder chunkDelay(Duration delay) {
            this.chunkDelay = checkDelay(delay, "chunkDelay");
            return this;
        }

        /**
         * Streams: send the opening events and this many content chunks, then close the connection
         * with no terminating event. Non-streaming answers: send the headers and half the body.
         */
        public Builder cutAfter(int chunks) {
            if (chunks < 0) {
                throw new IllegalArgumentException("cutAfter must be >= 0, got " + chunks);
            }
            this.cutAfter = chunks;
            return this;
        }

        /** Drop the connection (TCP reset where possible) without sending anything. */
        public Builder resetConnection() {
            this.resetConnection = true;
            return this;
        }

        /** Streams: end with the provider's error event instead of a clean end. */
        public Builder errorEvent() {
            this.errorEvent = true;
            return this;
        }

        /** Answer 200 with the provider's error body. */
        public Builder errorIn200() {
            this.errorIn200 = true;
            return this;
        }

        /** Apply the fault to the first {@code n} matching requests only; later ones succeed. */
        public Builder times(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("times must be >= 1, got " + n);
            }
            this.times = n;
            return this;
        }

        public Fault build() {
            return new Fault(this);
        }

        private static Duration checkDelay(Duration delay, String name) {
            Objects.requireNonNull(delay, name);
            if (delay.isNegative() || delay.compareTo(MAX_DELAY) > 0) {
                throw new IllegalArgumentException(name + " must be 0.." + MAX_DELAY.toMillis() + " ms, got " + delay.toMillis());
            }
            return delay;
        }
    }
}
