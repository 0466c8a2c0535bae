package dev.fairway.plan;

import static java.util.Objects.requireNonNull;

import java.util.function.Supplier;

/**
 * A target's request body, built the first time an attempt asks for it: a fallback's translation or
 * model rename costs nothing for the requests that never reach that fallback (nearly all of them).
 * Building is a pure function of the client's request, so two racing first reads build equal bodies.
 */
public final class LazyBody {
    private final Supplier<byte[]> build;
    private volatile byte[] built;

    private LazyBody(Supplier<byte[]> build) {
        this.build = build;
    }

    /** A body built by {@code build} on first use. */
    public static LazyBody of(Supplier<byte[]> build) {
        return new LazyBody(requireNonNull(build, "build"));
    }

    /** A body already built. */
    public static LazyBody built(byte[] bytes) {
        LazyBody b = new LazyBody(null);
        b.built = requireNonNull(bytes, "bytes");
        return b;
    }

    /**
     * The bytes, built now if no one asked before.
     *
     * @throws dev.fairway.error.GatewayError 400 naming the field when the client's request cannot be
     *     expressed for this target
     */
    public byte[] get() {
        byte[] b = built;
        if (b == null) {
            b = requireNonNull(build.get(), "built body");
            built = b;
        }
        return b;
    }

    /** Whether the bytes exist yet (tests and logs; asking never builds them). */
    public boolean isBuilt() {
        return built != null;
    }
}
