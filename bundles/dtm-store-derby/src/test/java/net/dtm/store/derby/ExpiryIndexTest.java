package net.dtm.store.derby;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import net.dtm.api.LeaseState;
import net.dtm.spi.store.LeaseCounts;

class ExpiryIndexTest {

    private static final Instant T = Instant.parse("2030-05-01T10:00:00.5Z");

    private final ExpiryIndex index = new ExpiryIndex();

    /** The changes one write records (as a statement of it reports them), not yet applied. */
    private List<ExpiryIndex.Pending> write(ExpiryIndex.Change... changes) {
        List<ExpiryIndex.Pending> into = new ArrayList<>();
        try (ExpiryIndex.Recording recording = ExpiryIndex.record(into)) {
            for (ExpiryIndex.Change c : changes) {
                index.changed(c);
            }
        }
        return into;
    }

    private static ExpiryIndex.Put put(String device, Instant expiry, LeaseState state) {
        return new ExpiryIndex.Put("p", device, expiry, state, false);
    }

    @Test
    void aChangeCommittedBeforeAnEarlierOneWaitsForItsOutcome() {
        List<ExpiryIndex.Pending> first = write(put("d1", T, LeaseState.LOCKED));
        List<ExpiryIndex.Pending> second = write(put("d1", T.plusSeconds(3600), LeaseState.BOUND));
        ExpiryIndex.applyAll(second);
        assertEquals(List.of(), index.reclaimable("p", T, 10), "the later change waits");
        assertEquals(2, index.unapplied());
        ExpiryIndex.applyAll(first);
        assertEquals(List.of(), index.reclaimable("p", T, 10), "applied in number order: the later state stands");
        assertEquals(List.of("d1"), index.reclaimable("p", T.plusSeconds(3600), 10));
        assertEquals(0, index.unapplied());
    }

    @Test
    void aRolledBackChangeNeverShowsAndNoLongerHoldsUpTheNextOnes() {
        index.load("p", "d1", T.minusSeconds(60), LeaseState.BOUND, false);
        List<ExpiryIndex.Pending> rolledBack = write(new ExpiryIndex.Remove("p", "d1"), put("d2", T, LeaseState.LOCKED));
        List<ExpiryIndex.Pending> next = write(put("d3", T.minusSeconds(1), LeaseState.RELEASED));
        ExpiryIndex.applyAll(next);
        ExpiryIndex.skipAll(rolledBack);
        assertEquals(List.of("d1", "d3"), index.reclaimable("p", T, 10));
        assertEquals(0, index.unapplied());
    }

    @Test
    void aLeaseWriteOutsideARecordedWriteIsRefused() {
        assertThrows(IllegalStateException.class, () -> index.changed(put("d1", T, LeaseState.LOCKED)));
    }

    @Test
    void reclaimableIsOldestFirstWithoutReservationsAndBounded() {
        index.load("p", "late", T, LeaseState.BOUND, false);
        index.load("p", "early", T.minusSeconds(10), LeaseState.RELEASED, false);
        index.load("p", "kept", T.minusSeconds(20), LeaseState.BOUND, true);
        index.load("p", "future", T.plusNanos(1), LeaseState.BOUND, false);
        index.load("q", "other", T.minusSeconds(30), LeaseState.BOUND, false);
        assertEquals(List.of("early", "late"), index.reclaimable("p", T, 10), "expiry at the boundary included");
        assertEquals(List.of("early"), index.reclaimable("p", T, 1));
        assertEquals(List.of(), index.reclaimable("none", T, 10));
        ExpiryIndex.applyAll(write(new ExpiryIndex.RemovePool("p")));
        assertEquals(List.of(), index.reclaimable("p", T.plusSeconds(60), 10));
        assertEquals(List.of("other"), index.reclaimable("q", T, 10));
    }

    @Test
    void countsSplitTheBindingsAsTheStoreContractSays() {
        Instant now = T;
        index.load("p", "locked", now.plusSeconds(30), LeaseState.LOCKED, false);
        index.load("p", "bound", now.plusSeconds(3600), LeaseState.BOUND, true);
        index.load("p", "expired-long-ago", now.minusSeconds(7200), LeaseState.BOUND, false);
        index.load("p", "expired-recently", now.minusSeconds(60), LeaseState.BOUND, false);
        index.load("p", "released", now.plusSeconds(600), LeaseState.RELEASED, false);
        // quarantine boundary before now: expired at it is reclaimable, expired since is quarantined
        assertEquals(new LeaseCounts(1, 1, 2, 1, 1), index.counts("p", now, now.minusSeconds(3600)));
        // boundary after now (no quarantine): everything expired, and released ones up to it
        assertEquals(new LeaseCounts(1, 1, 0, 3, 1), index.counts("p", now, now.plusSeconds(600)));
        assertEquals(new LeaseCounts(0, 0, 0, 0, 0), index.counts("none", now, now));
    }
}
