package net.dtm.link.emulated;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class GilbertElliottTest {

    private static final int N = 200_000;

    static boolean[] run(GilbertElliott.Params p, long seed, int n) {
        GilbertElliott ge = new GilbertElliott(p);
        SplittableRandom r = new SplittableRandom(seed);
        boolean[] lost = new boolean[n];
        for (int i = 0; i < n; i++) {
            lost[i] = ge.drop(r);
        }
        return lost;
    }

    static double lossRate(boolean[] lost) {
        int count = 0;
        for (boolean b : lost) {
            count += b ? 1 : 0;
        }
        return count / (double) lost.length;
    }

    /** Mean length of runs of consecutive losses. */
    static double meanLossRun(boolean[] lost) {
        int runs = 0;
        int losses = 0;
        for (int i = 0; i < lost.length; i++) {
            if (lost[i]) {
                losses++;
                if (i == 0 || !lost[i - 1]) {
                    runs++;
                }
            }
        }
        return losses / (double) runs;
    }

    @Test
    void longRunLossMatchesTheStationaryFormula() {
        GilbertElliott.Params p = new GilbertElliott.Params(0.05, 0.25, 0.01, 0.8);
        double expected = (0.25 / 0.30) * 0.01 + (0.05 / 0.30) * 0.8;
        assertEquals(expected, p.stationaryLoss(), 1e-12);
        double measured = lossRate(run(p, 42, N));
        assertEquals(expected, measured, 0.01, "long-run loss " + measured + " vs stationary " + expected);
    }

    @Test
    void meanBurstLengthIsOneOverBadToGood() {
        // Loss exactly in the bad state: a loss burst is a bad-state sojourn, geometric with mean 1/p(bad->good).
        GilbertElliott.Params p = new GilbertElliott.Params(0.02, 0.25, 0, 1);
        assertEquals(4.0, p.meanBadRun(), 1e-12);
        boolean[] lost = run(p, 7, N);
        double burst = meanLossRun(lost);
        assertEquals(4.0, burst, 0.3, "mean burst " + burst);
        // Independent loss at the same rate has bursts of 1/(1-loss) ~ 1.08: the model is what makes them long.
        double rate = lossRate(lost);
        SplittableRandom r = new SplittableRandom(7);
        boolean[] independent = new boolean[N];
        for (int i = 0; i < N; i++) {
            independent[i] = r.nextDouble() < rate;
        }
        assertTrue(meanLossRun(independent) < 1.2, "independent loss is not bursty");
    }

    @Test
    void lossAndBurstParametrisationGivesBoth() {
        GilbertElliott.Params p = GilbertElliott.Params.ofLossAndBurst(0.5, 3);
        assertEquals(0.5, p.stationaryLoss(), 1e-12);
        assertEquals(3.0, p.meanBadRun(), 1e-12);
        boolean[] lost = run(p, 11, N);
        assertEquals(0.5, lossRate(lost), 0.01);
        assertEquals(3.0, meanLossRun(lost), 0.15);
        assertThrows(IllegalArgumentException.class, () -> GilbertElliott.Params.ofLossAndBurst(1.0, 3));
        assertThrows(IllegalArgumentException.class, () -> GilbertElliott.Params.ofLossAndBurst(0.3, 0.5));
    }

    @Test
    void sameSeedSameOutcomesOtherSeedOtherOutcomes() {
        GilbertElliott.Params p = new GilbertElliott.Params(0.1, 0.3, 0.05, 0.9);
        boolean[] a = run(p, 1234, 10_000);
        boolean[] b = run(p, 1234, 10_000);
        boolean[] c = run(p, 4321, 10_000);
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
    }

    @Test
    void neverBadMeansOnlyGoodStateLoss() {
        GilbertElliott.Params p = new GilbertElliott.Params(0, 1, 0, 1);
        assertEquals(0.0, lossRate(run(p, 3, 10_000)));
        assertEquals(0.0, p.stationaryLoss());
    }

    @Test
    void invalidParametersAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new GilbertElliott.Params(-0.1, 0.5, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new GilbertElliott.Params(0.1, 1.5, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new GilbertElliott.Params(0.1, 0.5, Double.NaN, 1));
        assertThrows(IllegalArgumentException.class, () -> new GilbertElliott.Params(0.1, 0.5, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> new GilbertElliott.Params(0.1, 0, 0, 1),
                "a bad state that never ends");
        assertThrows(IllegalArgumentException.class, () -> new OutageSchedule(100, 100));
        assertThrows(IllegalArgumentException.class, () -> new OutageSchedule(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> new OutageSchedule(0, 10));
    }
}
