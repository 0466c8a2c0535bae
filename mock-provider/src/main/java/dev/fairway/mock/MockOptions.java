package dev.fairway.mock;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/** How a {@link MockProvider} listens and answers. Immutable; build with {@link #builder()}. */
public final class MockOptions {

    /** Content chunks per streamed answer unless a request says otherwise. */
    public static final int DEFAULT_CHUNKS = 5;
    /** Upper bound for chunk counts, so one request cannot ask for an unbounded stream. */
    public static final int MAX_CHUNKS = 10_000;

    private final String host;
    private final int port;
    private final int chunks;
    private final List<FaultRule> faultRules;

    private MockOptions(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.chunks = b.chunks;
        this.faultRules = List.copyOf(b.faultRules);
    }

    /** 127.0.0.1, an ephemeral port, {@value #DEFAULT_CHUNKS} chunks, no fault rules. */
    public static MockOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Options from simple key/values, as a command line gives them: {@code host}, {@code port}
     * and {@code chunks}. Unknown keys and bad values are rejected with a message naming the key.
     */
    public static MockOptions fromMap(Map<String, String> values) {
        Objects.requireNonNull(values, "values");
        Builder b = builder();
        values.forEach(b::set);
        return b.build();
    }

    public String host() {
        return host;
    }

    /** The configured port; 0 means an ephemeral one (see {@link MockProvider#port()}). */
    public int port() {
        return port;
    }

    public int chunks() {
        return chunks;
    }

    List<FaultRule> faultRules() {
        return faultRules;
    }

    @Override
    public String toString() {
        return "MockOptions[host=" + host + ", port=" + port + ", chunks=" + chunks + ", faultRules=" + faultRules.size() + "]";
    }

    /** A fault and the requests it applies to. */
    record FaultRule(Predicate<RecordedRequest> when, Fault fault) {
        FaultRule {
            Objects.requireNonNull(when, "when");
            Objects.requireNonNull(fault, "fault");
        }
    }

    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private int chunks = DEFAULT_CHUNKS;
        private final List<FaultRule> faultRules = new ArrayList<>();

        private Builder() {
        }

        /** The address to bind; 127.0.0.1 by default so the mock is never reachable from outside. */
        public Builder host(String host) {
            Objects.requireNonNull(host, "host");
            if (host.isBlank()) {
                throw new IllegalArgumentException("host must not be blank");
            }
            this.host = host;
            return this;
        }

        /** The port to bind, 0-65535; 0 (the default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0-65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /** Content chunks per streamed answer, 1-{@value MockOptions#MAX_CHUNKS}. */
        public Builder chunks(int chunks) {
            if (chunks < 1 || chunks > MAX_CHUNKS) {
                throw new IllegalArgumentException("chunks must be 1-" + MAX_CHUNKS + ", got " + chunks);
            }
            this.chunks = chunks;
            return this;
        }

        /**
         * Apply {@code fault} to requests matching {@code when}. Rules are tried in the order added;
         * a rule whose {@link Fault.Builder#times(int) budget} is spent lets later rules match.
         * Requests carrying {@code x-mock-*} fault headers ignore the rules.
         */
        public Builder fault(Predicate<RecordedRequest> when, Fault fault) {
            faultRules.add(new FaultRule(when, fault));
            return this;
        }

        /** Sets one option by name ({@code host}, {@code port}, {@code chunks}) from its text form. */
        public Builder set(String key, String value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            switch (key) {
                case "host" -> host(value.trim());
                case "port" -> port(parseInt(key, value));
                case "chunks" -> chunks(parseInt(key, value));
                default -> throw new IllegalArgumentException(
                        "unknown mock option '" + key + "' (known: host, port, chunks)");
            }
            return this;
        }

        public MockOptions build() {
            return new MockOptions(this);
        }

        private static int parseInt(String key, String value) {
            try {
                return Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be an integer, got '" + value + "'", e);
            }
        }
    }
}
