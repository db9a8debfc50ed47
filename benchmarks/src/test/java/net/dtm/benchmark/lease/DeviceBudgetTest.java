package net.dtm.benchmark.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DeviceBudgetTest {

    @Test
    void beforeAnyMeasurementItSizesFromTheFirstGuess() {
        DeviceBudget b = new DeviceBudget(20_000);
        assertEquals(20_000 * 10 * 2 + 1024, b.devicesFor(10, 1024));
        assertTrue(b.explain(10, 1024).contains("first guess"), b.explain(10, 1024));
    }

    @Test
    void aMeasuredRateReplacesTheGuessEvenWhenLower() {
        DeviceBudget b = new DeviceBudget(20_000);
        b.observe(12_137);
        assertEquals(12_137.0, b.expectedRate());
        assertEquals(12_137 * 30 * 2 + 256, b.devicesFor(30, 256));
    }

    @Test
    void itFollowsTheBestRateSoFar() {
        DeviceBudget b = new DeviceBudget(1_000);
        b.observe(10_910);
        b.observe(4_000); // a slower trial does not shrink the next one's devices
        assertEquals(10_910.0, b.expectedRate());
    }

    @Test
    void theIssuesRunWouldNotHaveRunOut() {
        // Issue 17: DTM measured 12,137/s, yet the 1024 trial confirmed nothing and the 256 trial stopped at 23 s of 30
        DeviceBudget b = new DeviceBudget(20_000);
        b.observe(12_137);
        assertTrue(b.devicesFor(30, 1024) > 12_137L * 30 * 1.5, "room for a trial 50 % faster than the best so far");
    }

    @Test
    void aShortOrSlowRunStillGetsTheMinimum() {
        DeviceBudget b = new DeviceBudget(1);
        assertEquals(DeviceBudget.MIN_DEVICES + 64, b.devicesFor(1, 64));
    }

    @Test
    void aGuessMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new DeviceBudget(0));
    }
}
