package dev.fairway.cache.semantic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.config.SemanticCacheSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The semantic cache's quality on the project's evaluation set (src/test/resources/semantic/eval-pairs.tsv):
 * a pair matches exactly when the production rule says so (equal {@link Guard} signatures, then
 * cosine similarity of the MiniLM embeddings at or above the threshold). The default threshold was
 * chosen on the "tune" pairs only ({@link #sweepOnTunePairs}, which prints the sweep and asserts
 * nothing about where it lands); the gates below hold on the held-out third, which was never used
 * to choose it, and on the whole set. A wrong answer is worse than a miss: precision 0.98 first.
 */
class SemanticEvalTest {
    static final double MIN_PRECISION = 0.98;
    /**
     * The issue asks for recall 0.6 at precision 0.98; all-MiniLM-L6-v2 with these guards does not
     * get there on this set (at 0.85: 0.28 held out, 0.48 fresh, 0.355 overall, precision 1.0; at
     * precision 0.98 on the tune pairs recall is 0.39 and held-out precision falls to 0.90). The
     * floors sit at what is reached, per split, so a change that loses one matched pair fails;
     * docs/semantic-cache.md has the figures and the models compared.
     */
    static final double MIN_RECALL_HELD_OUT = 16 / 57.0;
    static final double MIN_RECALL_FRESH = 12 / 25.0;
    static final double MIN_RECALL_ALL = 70 / 197.0;

    record Pair(int id, boolean same, String domain, String lang, String kind, String split, String a, String b) {}

    record Scored(Pair pair, boolean guardEqual, double similarity) {
        boolean predicted(double threshold) {
            return guardEqual && similarity >= threshold;
        }
    }

    record Score(int tp, int fp, int fn, int tn) {
        double precision() {
            return tp + fp == 0 ? 1 : (double) tp / (tp + fp);
        }

        double recall() {
            return tp + fn == 0 ? 1 : (double) tp / (tp + fn);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "precision %.3f recall %.3f (tp %d fp %d fn %d tn %d)", precision(), recall(), tp, fp, fn, tn);
        }
    }

    private static List<Scored> scored;

    @BeforeAll
    static void embedAll() throws IOException {
        Embedder model = MiniLmEmbedder.shared();
        Map<String, float[]> vectors = new HashMap<>();
        scored = new ArrayList<>();
        for (Pair p : pairs()) {
            float[] a = vectors.computeIfAbsent(p.a(), model::embed);
            float[] b = vectors.computeIfAbsent(p.b(), model::embed);
            boolean guardEqual = Guard.signature(p.a()).equals(Guard.signature(p.b()))
                    && !Wording.oneSlotApart(Wording.of(p.a()), Wording.of(p.b()));
            scored.add(new Scored(p, guardEqual, Vectors.cosine(a, b)));
        }
    }

    @Test
    void theSetIsLargeAndBalancedEnough() {
        assertThat(scored).hasSizeGreaterThanOrEqualTo(300);
        assertThat(scored.stream().filter(s -> s.pair().same()).count()).isGreaterThanOrEqualTo(120);
        assertThat(scored.stream().filter(s -> !s.pair().same()).count()).isGreaterThanOrEqualTo(120);
        assertThat(scored.stream().map(s -> s.pair().lang()).distinct()).contains("en", "fr", "es", "de");
        assertThat(scored.stream().filter(s -> s.pair().split().equals("held_out")).count()).isGreaterThanOrEqualTo(100);
    }

    @Test
    void heldOutPairsReachPrecisionAndRecallAtTheDefaultThreshold() {
        Score score = score(s -> s.pair().split().equals("held_out"), defaultThreshold());
        System.out.println("semantic eval, held-out pairs at " + defaultThreshold() + ": " + score);
        assertThat(score.precision()).as("held-out precision, %s", score).isGreaterThanOrEqualTo(MIN_PRECISION);
        assertThat(score.recall()).as("held-out recall, %s", score).isGreaterThanOrEqualTo(MIN_RECALL_HELD_OUT - 1e-9);
    }

    /** Pairs written after the rules and the threshold were fixed: the blind estimate. */
    @Test
    void freshPairsReachPrecisionAndRecallAtTheDefaultThreshold() {
        Score score = score(s -> s.pair().split().equals("fresh"), defaultThreshold());
        System.out.println("semantic eval, fresh pairs at " + defaultThreshold() + ": " + score);
        assertThat(score.precision()).as("fresh precision, %s", score).isGreaterThanOrEqualTo(MIN_PRECISION);
        assertThat(score.recall()).as("fresh recall, %s", score).isGreaterThanOrEqualTo(MIN_RECALL_FRESH - 1e-9);
    }

    @Test
    void allPairsReachPrecisionAndRecallAtTheDefaultThreshold() {
        Score score = score(s -> true, defaultThreshold());
        System.out.println("semantic eval, all pairs at " + defaultThreshold() + ": " + score);
        for (String lang : List.of("en", "fr", "es", "de")) {
            for (String split : List.of("tune", "held_out", "fresh")) {
                System.out.println("  " + lang + " " + split + ": "
                        + score(s -> s.pair().lang().equals(lang) && s.pair().split().equals(split), defaultThreshold()));
            }
            Score byLang = score(s -> s.pair().lang().equals(lang), defaultThreshold());
            System.out.println("  " + lang + ": " + byLang);
            // Every language keeps the precision a wrong answer demands, not only the English majority.
            assertThat(byLang.precision()).as("%s precision, %s", lang, byLang).isGreaterThanOrEqualTo(MIN_PRECISION);
        }
        // Every false hit is listed (held-out ones too, reported, never used to change a rule or the threshold).
        scored.stream().filter(s -> s.predicted(defaultThreshold()) && !s.pair().same())
                .forEach(s -> System.out.printf(Locale.ROOT, "  false hit (%s pair): #%d %s %s sim=%.3f guard=%s | %s | %s%n", s.pair().split(), s.pair().id(),
                        s.pair().same() ? "missed" : "FALSE HIT", s.pair().kind(), s.similarity(), s.guardEqual(), s.pair().a(), s.pair().b()));
        assertThat(score.precision()).as("precision, %s", score).isGreaterThanOrEqualTo(MIN_PRECISION);
        assertThat(score.recall()).as("recall, %s", score).isGreaterThanOrEqualTo(MIN_RECALL_ALL - 1e-9);
    }

    /** Without the guard, similarity alone lets hard negatives through: the guard is what earns the precision. */
    @Test
    void theGuardCarriesPrecisionOnHardNegatives() {
        double t = defaultThreshold();
        long negatives = scored.stream().filter(s -> !s.pair().same() && !s.pair().kind().equals("topic")).count();
        long passedBySimilarityAlone = scored.stream()
                .filter(s -> !s.pair().same() && !s.pair().kind().equals("topic") && s.similarity() >= t).count();
        long passedWithGuard = scored.stream()
                .filter(s -> !s.pair().same() && !s.pair().kind().equals("topic") && s.predicted(t)).count();
        System.out.printf(Locale.ROOT, "semantic eval, hard negatives at %.2f: %d of %d pass on similarity alone, %d with the guard%n",
                t, passedBySimilarityAlone, negatives, passedWithGuard);
        assertThat(passedWithGuard).isLessThan(passedBySimilarityAlone);
    }

    /** How the default was chosen: the tune pairs only, the lowest threshold whose precision there is at least 0.99. */
    @Test
    void sweepOnTunePairs() {
        Predicate<Scored> tune = s -> s.pair().split().equals("tune");
        Double chosen = null;
        for (int i = 70; i <= 99; i++) {
            double t = i / 100.0;
            Score s = score(tune, t);
            System.out.printf(Locale.ROOT, "semantic eval, tune pairs at %.2f: %s%n", t, s);
            if (chosen == null && s.precision() >= 0.99) {
                chosen = t;
            }
        }
        System.out.println("semantic eval: lowest threshold with tune precision >= 0.99: " + chosen);
        assertThat(chosen).isNotNull();
    }

    private static double defaultThreshold() {
        return SemanticCacheSettings.defaults().threshold();
    }

    private static Score score(Predicate<Scored> which, double threshold) {
        int tp = 0, fp = 0, fn = 0, tn = 0;
        for (Scored s : scored) {
            if (!which.test(s)) {
                continue;
            }
            boolean p = s.predicted(threshold);
            if (p && s.pair().same()) {
                tp++;
            } else if (p) {
                fp++;
            } else if (s.pair().same()) {
                fn++;
            } else {
                tn++;
            }
        }
        return new Score(tp, fp, fn, tn);
    }

    static List<Pair> pairs() throws IOException {
        List<Pair> pairs = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                Objects.requireNonNull(SemanticEvalTest.class.getResourceAsStream("/semantic/eval-pairs.tsv"), "eval-pairs.tsv"),
                StandardCharsets.UTF_8))) {
            String line;
            boolean header = true;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                if (header) {
                    header = false;
                    continue;
                }
                String[] f = line.split("\t", -1);
                pairs.add(new Pair(Integer.parseInt(f[0]), f[1].equals("1"), f[2], f[3], f[4], f[5], f[6], f[7]));
            }
        }
        return pairs;
    }
}
