package net.dtm.benchmark.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RecoveryTrackerTest {

    private static final long S = 1_000_000_000L;

    @Test
    void timesTo99And100PercentFromTheStopAndFromBackUp() {
        RecoveryTracker t = new RecoveryTracker(200);
        for (int i = 0; i < 200; i++) {
            t.original(i, 1000 + i);
        }
        t.stopped(10 * S);
        t.up(12 * S);
        // device i back at 12 s + i * 0.1 s: the 198th (99 %) at 31.7 s, the 200th at 31.9 s
        for (int i = 199; i >= 0; i--) {
            t.reestablished(i, 12 * S + i * S / 10, 1000 + i);
        }
        RecoveryTracker.Result r = t.result();
        assertEquals(200, r.recovered());
        assertEquals(0, r.missing());
        assertEquals(2.0, r.downSeconds(), 1e-9);
        assertEquals(19.7, r.upTo99(), 1e-9);
        assertEquals(19.9, r.upTo100(), 1e-9);
        assertEquals(21.7, r.stopTo99(), 1e-9);
        assertEquals(21.9, r.stopTo100(), 1e-9);
        assertEquals(0, r.addressChanged());
        double[] last = r.timeline().get(r.timeline().size() - 1);
        assertEquals(21.9, last[0], 1e-9);
        assertEquals(200, last[1], 1e-9);
    }

    @Test
    void countsOnlyTheFirstLeaseAndEveryAddressThatChanged() {
        RecoveryTracker t = new RecoveryTracker(3);
        t.original(0, 7);
        t.original(1, 8);
        t.original(2, 9);
        t.stopped(S);
        t.up(2 * S);
        t.reestablished(0, 3 * S, 7);
        t.reestablished(1, 4 * S, 80);   // another address
        t.reestablished(1, 5 * S, 8);    // a later lease does not undo it
        t.reestablished(2, 6 * S, 9);
        RecoveryTracker.Result r = t.result();
        assertEquals(1, r.addressChanged());
        assertEquals(3, r.recovered());
        assertEquals(4.0, r.upTo100(), 1e-9);
    }

    @Test
    void notEveryDeviceBackLeavesTheMissingFiguresOpen() {
        RecoveryTracker t = new RecoveryTracker(100);
        for (int i = 0; i < 100; i++) {
            t.original(i, 1 + i);
        }
        t.stopped(S);
        t.up(2 * S);
        for (int i = 0; i < 99; i++) {
            t.reestablished(i, 3 * S, 1 + i);
        }
        RecoveryTracker.Result r = t.result();
        assertEquals(1.0, r.upTo99(), 1e-9);
        assertTrue(Double.isNaN(r.upTo100()), "not all back: no 100 % time");
        assertEquals(1, r.missing());
        t.reestablished(99, 4 * S, 1 + 99);
        assertEquals(2.0, t.result().upTo100(), 1e-9);
    }

    @Test
    void refusesALeaseBeforeTheStopAndAResultBeforeBackUp() {
        RecoveryTracker t = new RecoveryTracker(1);
        assertThrows(IllegalStateException.class, () -> t.reestablished(0, S, 1));
        t.stopped(S);
        assertThrows(IllegalStateException.class, t::result);
        assertThrows(IllegalArgumentException.class, () -> new RecoveryTracker(0));
    }
}
