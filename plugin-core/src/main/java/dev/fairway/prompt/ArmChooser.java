package dev.fairway.prompt;

import static java.util.Objects.requireNonNull;

import dev.fairway.headers.CfAigHeaders;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.function.DoubleSupplier;

/**
 * Which arm of an experiment a request falls in: a point in 10,000 basis points, taken from a hash
 * of the experiment's name and the request's value for its key (the same user, the same arm, in
 * every process and after a restart), or drawn at random when the experiment has no key or the
 * request no value for it; the arms own consecutive ranges of their percentages.
 */
final class ArmChooser {
    static final int POINTS = 10_000;

    private final DoubleSupplier random;

    ArmChooser(DoubleSupplier random) {
        this.random = requireNonNull(random, "random");
    }

    ArmSettings choose(ExperimentSettings experiment, CfAigHeaders cfAig) {
        String value = stickyValue(experiment, cfAig);
        int point = value == null ? (int) Math.min(POINTS - 1, (long) (random.getAsDouble() * POINTS)) : point(experiment.name(), value);
        return arm(experiment, point);
    }

    /** The arm owning {@code point}; the last arm takes whatever rounding leaves. */
    static ArmSettings arm(ExperimentSettings experiment, int point) {
        long upTo = 0;
        for (ArmSettings a : experiment.arms()) {
            upTo += Math.round(a.percent() * 100);
            if (point < upTo) {
                return a;
            }
        }
        return experiment.arms().get(experiment.arms().size() - 1);
    }

    private static String stickyValue(ExperimentSettings experiment, CfAigHeaders cfAig) {
        if (experiment.key() == null) {
            return null;
        }
        Object v = cfAig.metadata().get(experiment.key().substring("metadata.".length()));
        return v == null ? null : v.toString();
    }

    /** A uniform point for {@code value}; the experiment's name is mixed in so two experiments split one user independently. */
    static int point(String experiment, String value) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        sha.update(experiment.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        byte[] h = sha.digest(value.getBytes(StandardCharsets.UTF_8));
        long n = 0;
        for (int i = 0; i < 8; i++) {
            n = n << 8 | (h[i] & 0xff);
        }
        return (int) Long.remainderUnsigned(n, POINTS);
    }
}
