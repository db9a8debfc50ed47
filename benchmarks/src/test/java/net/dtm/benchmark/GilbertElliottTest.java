package net.dtm.benchmark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class GilbertElliottTest {

    private static final int DRAWS = 200_000;

    @ParameterizedTest
    @CsvSource({"10, 4", "30, 4", "50, 4", "70, 4", "50, 1", "90, 2"})
    void longRunLossAndBurstLengthAreTheConfiguredOnes(double loss, double burst) {
        GilbertElliott ge = new GilbertElliott(loss, burst, 7);
        int lost = 0;
        int bursts = 0;
        boolean previous = false;
        for (int i = 0; i < DRAWS; i++) {
            boolean drop = ge.drop();
            if (drop) {
                lost++;
                if (!previous) {
                    bursts++;
                }
            }
            previous = drop;
        }
        assertEquals(loss, 100.0 * lost / DRAWS, 1.0, "loss rate");
        // 90 % loss cannot have bursts of 2 on average: they are raised to loss / (1 - loss) = 9
        double expectedBurst = Math.max(burst, loss / (100 - loss));
        assertEquals(expectedBurst, lost / (double) bursts, expectedBurst * 0.05, "mean burst length");
    }

    @Test
    void burstyLossLosesInRunsWhereIndependentLossWouldNot() {
        // at 50 % and bursts of 4, a loss is followed by another 3 times in 4; independently 1 in 2
        GilbertElliott ge = new GilbertElliott(50, 4, 11);
        int lossThenLoss = 0;
        int losses = 0;
        boolean previous = ge.drop();
        for (int i = 0; i < DRAWS; i++) {
            boolean drop = ge.drop();
            if (previous) {
                losses++;
                if (drop) {
                    lossThenLoss++;
                }
            }
            previous = drop;
        }
        assertEquals(0.75, lossThenLoss / (double) losses, 0.01);
    }

    @Test
    void sameSeedSameDecisions() {
        assertArrayEquals(draws(new GilbertElliott(30, 4, 5)), draws(new GilbertElliott(30, 4, 5)));
    }

    @Test
    void noLossNeverDropsAndFullLossAlwaysDrops() {
        GilbertElliott none = new GilbertElliott(0, 4, 3);
        GilbertElliott all = new GilbertElliott(100, 4, 3);
        for (int i = 0; i < 10_000; i++) {
            assertFalse(none.drop());
            assertTrue(all.drop());
        }
    }

    @Test
    void rejectsImpossibleSettings() {
        assertThrows(IllegalArgumentException.class, () -> new GilbertElliott(-1, 4, 1));
        assertThrows(IllegalArgumentException.class, () -> new GilbertElliott(101, 4, 1));
        assertThrows(IllegalArgumentException.class, () -> new GilbertElliott(50, 0.5, 1));
        assertThrows(IllegalArgumentException.class, () -> new GilbertElliott(Double.NaN, 4, 1));
    }

    private static boolean[] draws(GilbertElliott ge) {
        boolean[] out = new boolean[1000];
        for (int i = 0; i < out.length; i++) {
            out[i] = ge.drop();
        }
        return out;
    }
}
