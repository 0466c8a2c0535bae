package dev.fairway.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChooserTest {
    private static final int DRAWS = 10_000;

    private static int[] firstChoices(Strategy strategy, List<Chooser.Candidate> candidates, long seed) {
        Random random = new Random(seed);
        Chooser chooser = new Chooser(random::nextDouble);
        int[] counts = new int[candidates.size()];
        for (int i = 0; i < DRAWS; i++) {
            counts[chooser.order(strategy, candidates)[0]]++;
        }
        return counts;
    }

    @Test
    void weightedRandomSplitsByWeightWithinTwoPercent() {
        List<Chooser.Candidate> c = List.of(new Chooser.Candidate(70, 0, 0), new Chooser.Candidate(20, 0, 0), new Chooser.Candidate(10, 0, 0));
        int[] counts = firstChoices(Strategy.WEIGHTED_RANDOM, c, 42);
        assertThat(counts[0] / (double) DRAWS).isCloseTo(0.70, within(0.02));
        assertThat(counts[1] / (double) DRAWS).isCloseTo(0.20, within(0.02));
        assertThat(counts[2] / (double) DRAWS).isCloseTo(0.10, within(0.02));
    }

    @Test
    void theSameSeedGivesTheSameChoices() {
        List<Chooser.Candidate> c = List.of(new Chooser.Candidate(1, 0, 0), new Chooser.Candidate(1, 0, 0));
        assertThat(firstChoices(Strategy.WEIGHTED_RANDOM, c, 7)).containsExactly(firstChoices(Strategy.WEIGHTED_RANDOM, c, 7));
    }

    @Test
    void theOrderHoldsEveryMemberOnce() {
        List<Chooser.Candidate> c = List.of(new Chooser.Candidate(5, 0, 0), new Chooser.Candidate(1, 0, 0), new Chooser.Candidate(3, 0, 0));
        int[] order = new Chooser(new Random(1)::nextDouble).order(Strategy.WEIGHTED_RANDOM, c);
        assertThat(order).containsExactlyInAnyOrder(0, 1, 2);
    }

    @Test
    void leastOutstandingPrefersTheIdlestMemberThenTheNextIdlest() {
        List<Chooser.Candidate> c = List.of(new Chooser.Candidate(1, 4, 0), new Chooser.Candidate(1, 0, 0), new Chooser.Candidate(1, 2, 0));
        Chooser chooser = new Chooser(new Random(3)::nextDouble);
        for (int i = 0; i < 100; i++) {
            assertThat(chooser.order(Strategy.LEAST_OUTSTANDING, c)).containsExactly(1, 2, 0);
        }
    }

    @Test
    void leastOutstandingDrawsTiesByWeight() {
        List<Chooser.Candidate> c = List.of(new Chooser.Candidate(3, 1, 0), new Chooser.Candidate(1, 1, 0), new Chooser.Candidate(100, 5, 0));
        int[] counts = firstChoices(Strategy.LEAST_OUTSTANDING, c, 11);
        assertThat(counts[2]).isZero();
        assertThat(counts[0] / (double) DRAWS).isCloseTo(0.75, within(0.02));
    }

    @Test
    void lowestLatencyPrefersTheFasterOfEveryDrawnPair() {
        // Two members: every pair is both of them, so the faster always wins.
        List<Chooser.Candidate> two = List.of(new Chooser.Candidate(1, 0, 900e6), new Chooser.Candidate(1, 0, 100e6));
        assertThat(firstChoices(Strategy.LOWEST_LATENCY, two, 5)[1]).isEqualTo(DRAWS);
        // Three equal weights: the slowest wins no pair, the fastest wins both pairs it is in (2/3 of draws).
        List<Chooser.Candidate> three = List.of(new Chooser.Candidate(1, 0, 300e6), new Chooser.Candidate(1, 0, 100e6),
                new Chooser.Candidate(1, 0, 900e6));
        int[] counts = firstChoices(Strategy.LOWEST_LATENCY, three, 5);
        assertThat(counts[2]).isZero();
        assertThat(counts[1] / (double) DRAWS).isCloseTo(2 / 3.0, within(0.02));
    }

    @Test
    void lowestLatencyWeighsAttemptsInFlight() {
        // Faster on average, but with three attempts waiting it costs 4 x 100 ms against 1 x 300 ms.
        List<Chooser.Candidate> c = List.of(new Chooser.Candidate(1, 3, 100e6), new Chooser.Candidate(1, 0, 300e6));
        assertThat(firstChoices(Strategy.LOWEST_LATENCY, c, 9)[1]).isEqualTo(DRAWS);
    }
}
