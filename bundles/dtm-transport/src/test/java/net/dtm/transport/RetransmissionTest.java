package net.dtm.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class RetransmissionTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MAX = 3000 * MS;

    @Test
    void aLossyLinkWhoseServerAnswersRetransmitsAtItsRtoForABoundedTime() {
        assertTrue(Retransmission.brisk(false, true, true, 0, 0));
        assertTrue(Retransmission.brisk(false, true, true, 7, 900 * MS));
        assertFalse(Retransmission.brisk(false, true, true, 8, 300 * MS), "at most 8 brisk rounds");
        assertFalse(Retransmission.brisk(false, true, true, 3, 1000 * MS), "at most one brisk second");
        for (int round = 0; round < 8; round++) {
            assertEquals(30 * MS, Retransmission.interval(30 * MS, MAX, true, 0), "flat, round " + round);
        }
    }

    @Test
    void aSilentServerOrACleanLinkBacksOffExponentially() {
        assertFalse(Retransmission.brisk(false, true, false, 1, 100 * MS), "lossy link, silent server");
        assertFalse(Retransmission.brisk(false, false, true, 1, 100 * MS), "clean link: a retransmission is rare");
        assertEquals(100 * MS, Retransmission.interval(100 * MS, MAX, false, 0));
        assertEquals(200 * MS, Retransmission.interval(100 * MS, MAX, false, 1));
        assertEquals(800 * MS, Retransmission.interval(100 * MS, MAX, false, 3));
        assertEquals(MAX, Retransmission.interval(100 * MS, MAX, false, 40), "capped");
    }

    @Test
    void aColdLinkIsBriskForItsFirstSecondWhateverTheServer() {
        assertTrue(Retransmission.brisk(true, false, false, 3, 750 * MS));
        assertFalse(Retransmission.brisk(true, false, false, 4, 1000 * MS));
    }

    @Test
    void copiesGrowOnlyFromTheThirdBriskRound() {
        assertEquals(1, Retransmission.copies(1, 4, 0, true), "first round: the link's count (1 when clean)");
        assertEquals(1, Retransmission.copies(1, 4, 1, true));
        assertEquals(2, Retransmission.copies(1, 4, 2, true));
        assertEquals(4, Retransmission.copies(1, 4, 3, true));
        assertEquals(4, Retransmission.copies(1, 4, 7, true));
        assertEquals(4, Retransmission.copies(3, 4, 2, true), "never above the most allowed");
        assertEquals(1, Retransmission.copies(1, 1, 5, true), "redundancy disabled");
        assertEquals(1, Retransmission.copies(1, 4, 5, false), "not brisk: the link's count");
    }
}
