package net.dtm.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WarmUpTest {

    private final WarmUp rule = new WarmUp(5, 10, 22);

    @Test
    void slicesAreWholeUntilTheLongestWarmUpLeavesLess() {
        assertEquals(5, rule.nextSlice(0));
        assertEquals(5, rule.nextSlice(15));
        assertEquals(2, rule.nextSlice(20));
        assertFalse(rule.over(20));
        assertTrue(rule.over(22));
    }

    @Test
    void settlesOnlyAfterTheShortestTimeAndWithinFivePercentOfTheSliceBefore() {
        assertFalse(rule.settled(1000, 1000, 5), "shorter than the shortest warm-up");
        assertTrue(rule.settled(1000, 1050, 10));
        assertTrue(rule.settled(1000, 950, 10));
        assertFalse(rule.settled(1000, 1051, 10), "still rising");
        assertFalse(rule.settled(1000, 949, 15), "still falling");
    }

    @Test
    void aSliceWithNothingToCompareWithNeverSettles() {
        assertFalse(rule.settled(-1, 1000, 15));
        assertFalse(rule.settled(0, 0, 15), "a slice that confirmed nothing");
    }

    @Test
    void aLongestWarmUpBelowTheShortestEndsItAtTheLongest() {
        WarmUp brief = new WarmUp(5, 10, 6);
        assertTrue(brief.settled(1000, 1000, 6));
    }

    @Test
    void anotherLongestKeepsTheSliceAndTheShortest() {
        assertEquals(new WarmUp(5, 10, 40), rule.withMaxSeconds(40));
    }

    @Test
    void badLengthsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new WarmUp(0, 10, 20));
        assertThrows(IllegalArgumentException.class, () -> new WarmUp(5, -1, 20));
        assertThrows(IllegalArgumentException.class, () -> new WarmUp(5, 10, -1));
    }
}
