package net.dtm.testkit.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.testkit.cluster.ChaosChecker.PhaseFigures;
import net.dtm.testkit.cluster.ChaosChecker.Report;
import net.dtm.testkit.cluster.History.Event;
import net.dtm.testkit.cluster.History.Kind;

/** The checker on synthetic histories: a clean run passes, every kind of fault is found and said. */
class ChaosCheckerTest {

    static final Instant READ = Instant.parse("2026-01-01T00:10:00Z");
    static final Instant LATER = READ.plusSeconds(20);

    private final History h = new History();
    private final List<Lease> store = new ArrayList<>();

    private void ev(double at, String device, Kind kind, String address, long seq, String node, double ms, String detail) {
        h.add(new Event(at, device, kind, address, seq, node, ms, detail));
    }

    private void established(double at, String device, String address, long seq, String node, double ms) {
        ev(at - ms, device, Kind.STARTED, "", -1, "", 0, "");
        ev(at, device, Kind.ESTABLISHED, address, seq, node, ms, "attempts=1");
    }

    private void lease(String device, String address, LeaseState state, long seq, Instant expires) {
        store.add(new Lease("p", DeviceId.of(device), ip(address), state, seq, expires, "n1"));
    }

    private static InetAddress ip(String a) {
        try {
            return InetAddress.getByName(a);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private Report check(double end) {
        return ChaosChecker.check(h, end, store, READ);
    }

    /** Two devices, each established, renewed on another node (a failover), each in the store. */
    private void cleanRun() {
        h.phase("baseline", 0);
        h.phase("kill", 1000);
        established(100, "d1", "10.0.0.1", 2, "n1", 40);
        established(1250, "d2", "10.0.0.2", 2, "n2", 200);
        ev(2000, "d1", Kind.RENEWAL_FAILED, "10.0.0.1", -1, "", 0, "timeout");
        ev(2100, "d1", Kind.RENEWED, "10.0.0.1", 3, "n2", 0, "");
        ev(2200, "d2", Kind.RENEWED, "10.0.0.2", 3, "n2", 0, "");
        lease("d1", "10.0.0.1", LeaseState.BOUND, 3, LATER);
        lease("d2", "10.0.0.2", LeaseState.BOUND, 3, LATER);
    }

    @Test
    void aCleanRunPassesWithItsFigures() {
        cleanRun();
        Report r = check(3000);
        assertTrue(r.ok(), r.problems().toString());
        assertEquals(2, r.agents());
        assertEquals(2, r.holding());
        assertEquals(2, r.establishments());
        assertEquals(2, r.renewals());
        assertEquals(1, r.failovers(), "d1 moved from n1 to n2");
        assertEquals(0, r.duplicates());
        assertEquals(0, r.lost());
        assertEquals(0, r.dropped());
        assertEquals(0, r.notEstablished());
        assertEquals(1, r.servedBy().get("n1"));
        assertEquals(3, r.servedBy().get("n2"));
        PhaseFigures base = r.phase("baseline");
        assertEquals(1, base.establishments());
        assertEquals(40, base.maxMs());
        PhaseFigures kill = r.phase("kill");
        assertEquals(1, kill.establishments());
        assertEquals(200, kill.maxMs());
        assertEquals(200, kill.p99Ms());
        assertEquals(1, kill.renewalFailures());
        assertEquals(2, kill.renewals());
        assertEquals(1, kill.nodeChanges());
        assertEquals(3000, kill.end());
    }

    @Test
    void anEstablishmentCountsInThePhaseItStartedIn() {
        h.phase("a", 0);
        h.phase("b", 1000);
        established(1100, "d1", "10.0.0.1", 1, "n1", 200);   // started at 900: phase a
        lease("d1", "10.0.0.1", LeaseState.LOCKED, 1, LATER);
        Report r = check(2000);
        assertTrue(r.ok(), r.problems().toString());
        assertEquals(1, r.phase("a").establishments());
        assertEquals(0, r.phase("b").establishments());
    }

    @Test
    void anAddressHeldByTwoDevicesAtOnceIsADuplicate() {
        cleanRun();
        established(2500, "d3", "10.0.0.1", 1, "n3", 10);   // d1 still holds 10.0.0.1
        lease("d3", "10.0.0.1", LeaseState.BOUND, 1, LATER);
        Report r = check(3000);
        assertFalse(r.ok());
        assertTrue(r.duplicates() >= 1, r.figures());
        assertTrue(r.problems().stream().anyMatch(p -> p.startsWith("duplicate: 10.0.0.1 held by d1")), r.problems().toString());
    }

    @Test
    void anAddressPassedOnAfterTheFirstDeviceLostItIsNoDuplicateButTheLossIsFound() {
        h.phase("a", 0);
        established(100, "d1", "10.0.0.1", 1, "n1", 10);
        ev(500, "d1", Kind.LOST, "10.0.0.1", -1, "", 0, "expired without renewal");
        established(600, "d2", "10.0.0.1", 1, "n1", 10);
        ev(700, "d1", Kind.ESTABLISHED, "10.0.0.2", 1, "n1", 200, "attempts=1");
        lease("d1", "10.0.0.2", LeaseState.BOUND, 1, LATER);
        lease("d2", "10.0.0.1", LeaseState.BOUND, 1, LATER);
        Report r = check(1000);
        assertEquals(0, r.duplicates(), r.problems().toString());
        assertEquals(1, r.dropped());
        assertFalse(r.ok());
    }

    @Test
    void theStoreGivingOneAddressToTwoDevicesIsADuplicate() {
        cleanRun();
        lease("d9", "10.0.0.2", LeaseState.BOUND, 1, LATER);
        Report r = check(3000);
        assertEquals(1, r.duplicates());
        assertTrue(r.problems().contains("duplicate in the store: 10.0.0.2 bound to d2 and d9"), r.problems().toString());
    }

    @Test
    void theStoreGivingOneDeviceTwoAddressesIsADuplicate() {
        cleanRun();
        lease("d2", "10.0.0.7", LeaseState.BOUND, 1, LATER);
        Report r = check(3000);
        assertEquals(1, r.duplicates(), r.problems().toString());
        assertFalse(r.ok());
    }

    @Test
    void aLeaseTheServersNoLongerKnowIsLostAndItsTunnelDropped() {
        cleanRun();
        ev(2600, "d2", Kind.LOST, "10.0.0.2", -1, "", 0, "nak unknown-lease: no such lease");
        ev(2700, "d2", Kind.ESTABLISHED, "10.0.0.2", 1, "n1", 100, "attempts=1");
        Report r = check(3000);
        assertFalse(r.ok());
        assertEquals(1, r.lost());
        assertEquals(1, r.dropped());
        assertEquals(1, r.phase("kill").lost());
    }

    @Test
    void aDeviceToldAnotherAddressLostItsLease() {
        cleanRun();
        ev(2600, "d2", Kind.RENEWED, "10.0.0.9", 4, "n1", 0, "");
        Report r = check(3000);
        assertEquals(1, r.lost());
        assertEquals(0, r.dropped());
        assertTrue(r.problems().stream().anyMatch(p -> p.startsWith("lost: d2 held 10.0.0.2")), r.problems().toString());
    }

    @Test
    void aTunnelThatWentDownUnrenewedIsDroppedThoughTheLeaseSurvived() {
        cleanRun();
        ev(2600, "d1", Kind.LOST, "10.0.0.1", -1, "", 0, "expired without renewal");
        ev(2800, "d1", Kind.ESTABLISHED, "10.0.0.1", 4, "n3", 150, "attempts=2");
        store.set(0, new Lease("p", DeviceId.of("d1"), ip("10.0.0.1"), LeaseState.BOUND, 4, LATER, "n3"));
        Report r = check(3000);
        assertEquals(1, r.dropped());
        assertEquals(0, r.lost());
        assertEquals(0, r.duplicates());
        assertFalse(r.ok());
    }

    @Test
    void holdingAnAddressTheStoreDoesNotHaveIsLost() {
        cleanRun();
        store.remove(1);
        Report r = check(3000);
        assertEquals(1, r.lost());
        assertTrue(r.problems().contains("lost: d2 holds 10.0.0.2 but the store has no lease for it"), r.problems().toString());
    }

    @Test
    void holdingAnAddressTheStoreGivesToAnotherDeviceIsLost() {
        cleanRun();
        store.set(1, new Lease("p", DeviceId.of("d2"), ip("10.0.0.5"), LeaseState.BOUND, 3, LATER, "n1"));
        store.add(new Lease("p", DeviceId.of("d7"), ip("10.0.0.2"), LeaseState.BOUND, 1, LATER, "n1"));
        Report r = check(3000);
        assertEquals(1, r.lost());
        assertTrue(r.problems().contains("lost: d2 holds 10.0.0.2 but the store gives it 10.0.0.5"), r.problems().toString());
    }

    @Test
    void anExpiredOrReleasedStoreLeaseIsLost() {
        cleanRun();
        store.set(0, new Lease("p", DeviceId.of("d1"), ip("10.0.0.1"), LeaseState.BOUND, 3, READ.minusSeconds(1), "n1"));
        store.set(1, new Lease("p", DeviceId.of("d2"), ip("10.0.0.2"), LeaseState.RELEASED, 4, LATER, "n1"));
        Report r = check(3000);
        assertEquals(2, r.lost(), r.problems().toString());
    }

    @Test
    void aRecreatedStoreLeaseWithALowerSequenceIsLost() {
        cleanRun();
        store.set(1, new Lease("p", DeviceId.of("d2"), ip("10.0.0.2"), LeaseState.BOUND, 1, LATER, "n1"));
        Report r = check(3000);
        assertEquals(1, r.lost());
        assertTrue(r.problems().get(0).contains("sequence 1 < 3"), r.problems().toString());
    }

    @Test
    void aStartedDeviceNeverEstablishedFails() {
        cleanRun();
        ev(2500, "d4", Kind.STARTED, "", -1, "", 0, "");
        ev(2900, "d4", Kind.FAILED, "", -1, "", 0, "nak store-unavailable");
        Report r = check(3000);
        assertEquals(1, r.notEstablished());
        assertEquals(1, r.failedAttempts());
        assertEquals(1, r.phase("kill").failedAttempts());
        assertTrue(r.problems().get(0).startsWith("not established: d4"), r.problems().toString());
    }

    @Test
    void eventsRecordedOutOfOrderAreReadInTimeOrder() {
        h.phase("a", 0);
        ev(200, "d1", Kind.RENEWED, "10.0.0.1", 2, "n1", 0, "");
        ev(100, "d1", Kind.ESTABLISHED, "10.0.0.1", 1, "n1", 50, "");
        ev(50, "d1", Kind.STARTED, "", -1, "", 0, "");
        lease("d1", "10.0.0.1", LeaseState.BOUND, 2, LATER);
        Report r = check(300);
        assertTrue(r.ok(), r.problems().toString());
        assertEquals(1, r.holding());
    }

    @Test
    void aFailedAttemptCountsInThePhaseItsEstablishmentStartedIn() {
        h.phase("a", 0);
        h.phase("b", 1000);
        ev(900, "d1", Kind.STARTED, "", -1, "", 0, "");
        ev(1100, "d1", Kind.FAILED, "", -1, "", 0, "nak store-unavailable");
        ev(1500, "d1", Kind.ESTABLISHED, "10.0.0.1", 1, "n1", 600, "attempts=2");
        ev(1600, "d1", Kind.LOST, "10.0.0.1", -1, "", 0, "expired");
        ev(1700, "d1", Kind.FAILED, "", -1, "", 0, "nak store-unavailable");
        ev(1800, "d1", Kind.ESTABLISHED, "10.0.0.1", 2, "n1", 200, "attempts=2");
        lease("d1", "10.0.0.1", LeaseState.BOUND, 2, LATER);
        Report r = check(2000);
        assertEquals(1, r.phase("a").failedAttempts());
        assertEquals(1, r.phase("b").failedAttempts(), "the second establishment began with the loss, in b");
        assertEquals(1, r.phase("a").establishments());
        assertEquals(1, r.phase("b").establishments());
    }

    @Test
    void eventsAfterTheEndAreLeftOut() {
        cleanRun();
        ev(3500, "d2", Kind.RENEWED, "10.0.0.2", 9, "n1", 0, "");   // after the store was read
        Report r = check(3000);
        assertTrue(r.ok(), r.problems().toString());
        assertEquals(2, r.renewals());
    }

    @Test
    void quantilesAreNearestRank() {
        List<Double> v = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            v.add((double) i);
        }
        assertEquals(50, ChaosChecker.quantile(v, 0.5));
        assertEquals(99, ChaosChecker.quantile(v, 0.99));
        assertEquals(100, ChaosChecker.quantile(v, 1));
        assertEquals(0, ChaosChecker.quantile(List.of(), 0.5));
    }
}
