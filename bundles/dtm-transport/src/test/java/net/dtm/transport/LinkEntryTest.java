package net.dtm.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class LinkEntryTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private static LinkEntry entry() {
        return new LinkEntry(new FakeLink("l", 1, null, Map.of(), 1), LinkUsage.ALWAYS, TransportSettings.defaults());
    }

    @Test
    void anAnswerAfterALostFirstCopyGivesATentativeEstimateTheNextCleanSampleReplaces() {
        LinkEntry e = entry();
        e.rttUpperBound(290 * MS); // first copy lost, the one sent at 250 ms answered 40 ms later
        assertTrue(e.tentativeRtt());
        assertEquals(290 * MS, e.srttNanos());
        e.rttSample(40 * MS);
        assertFalse(e.tentativeRtt());
        assertEquals(40 * MS, e.srttNanos(), "replaced, not averaged into 259 ms");
        assertEquals(120 * MS, e.rtoNanos(), "srtt + 4 rttvar");
    }

    @Test
    void anUpperBoundNeverRaisesAnEstimateAndLowersOneAboveIt() {
        LinkEntry e = entry();
        e.rttSample(600 * MS);
        e.rttUpperBound(900 * MS);
        assertEquals(600 * MS, e.srttNanos(), "an answer after retransmissions says nothing above the estimate");
        e.rttUpperBound(400 * MS);
        assertEquals((7 * 600 + 400) / 8 * MS, e.srttNanos(), "the round trip was at most 400 ms");
        LinkEntry t = entry();
        t.rttUpperBound(3000 * MS);
        t.rttUpperBound(800 * MS);
        assertEquals(800 * MS, t.srttNanos(), "a smaller bound replaces a tentative estimate");
        assertTrue(t.tentativeRtt());
    }
}
