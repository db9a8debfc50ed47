package net.dtm.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;

/** The crash test's bookkeeping finds what it is there to find. */
class LeaseLedgerTest {

    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    static final DeviceId A = DeviceId.of("a");
    static final DeviceId B = DeviceId.of("b");
    static final DeviceId C = DeviceId.of("c");
    static final DeviceId D = DeviceId.of("d");
    static final DeviceId E = DeviceId.of("e");

    static InetAddress ip(int last) {
        try {
            return InetAddress.getByAddress(new byte[] {10, 80, 0, (byte) last});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static Lease lease(DeviceId d, int last, LeaseState state) {
        return new Lease("crash", d, ip(last), state, 2, NOW.plusSeconds(3600), "n");
    }

    @Test
    void storeMatchingWhatDevicesWereToldPasses() {
        LeaseLedger ledger = new LeaseLedger();
        ledger.told(A, ip(2));
        ledger.confirmed(A, ip(2));
        ledger.told(B, ip(3));
        LeaseLedger.Verdict v = ledger.verify(List.of(lease(A, 2, LeaseState.BOUND), lease(B, 3, LeaseState.LOCKED)), NOW);
        assertTrue(v.ok(), v.problems().toString());
        assertEquals(2, v.leases());
        assertEquals(1, v.bound());
    }

    @Test
    void confirmedLeaseMissingNotBoundOrExpiredIsLost() {
        LeaseLedger ledger = new LeaseLedger();
        ledger.confirmed(A, ip(2));
        ledger.confirmed(B, ip(3));
        ledger.confirmed(C, ip(4));
        Lease expired = new Lease("crash", C, ip(4), LeaseState.BOUND, 2, NOW.minusSeconds(1), "n");
        LeaseLedger.Verdict v = ledger.verify(List.of(lease(B, 3, LeaseState.LOCKED), expired), NOW);
        assertEquals(3, v.lostConfirmed(), v.problems().toString());
        assertEquals(1, v.lostTold(), "only A has no binding at all: " + v.problems());
        assertTrue(v.problems().get(0).startsWith("lost confirmed lease: device "), v.problems().get(0));
    }

    @Test
    void toldAddressHeldElsewhereOrReleasedIsLost() {
        LeaseLedger ledger = new LeaseLedger();
        ledger.told(A, ip(2));
        ledger.told(B, ip(3));
        LeaseLedger.Verdict v = ledger.verify(List.of(lease(A, 9, LeaseState.LOCKED), lease(B, 3, LeaseState.RELEASED)), NOW);
        assertEquals(2, v.lostTold(), v.problems().toString());
        assertEquals(0, v.lostConfirmed());
    }

    @Test
    void addressToldToTwoDevicesOrDeviceToldTwoAddressesIsADuplicate() {
        LeaseLedger ledger = new LeaseLedger();
        ledger.told(A, ip(2));
        ledger.told(B, ip(2));
        ledger.confirmed(B, ip(2)); // the same conflict again: reported once
        ledger.told(C, ip(5));
        ledger.confirmed(C, ip(6));
        List<String> conflicts = ledger.conflicts();
        assertEquals(2, conflicts.size(), conflicts.toString());
        assertEquals("address 10.80.0.2 was told to b while a holds it", conflicts.get(0));
        assertEquals("device c was told 10.80.0.6 after 10.80.0.5", conflicts.get(1));
        assertEquals(2, ledger.verify(List.of(), NOW).duplicates());
    }

    @Test
    void duplicatesInTheStoreAreCounted() {
        LeaseLedger ledger = new LeaseLedger();
        LeaseLedger.Verdict v = ledger.verify(List.of(lease(A, 2, LeaseState.BOUND), lease(B, 2, LeaseState.BOUND),
                lease(A, 7, LeaseState.BOUND)), NOW);
        assertEquals(2, v.duplicates(), v.problems().toString());
    }

    @Test
    void actionRunsAtTheFirstDeviceToldAfterTheNthConfirmationWithTheStateThen() {
        LeaseLedger ledger = new LeaseLedger();
        List<LeaseLedger.Snapshot> seen = new ArrayList<>();
        ledger.atToldAfterConfirmed(2, seen::add);
        for (DeviceId d : List.of(A, B, C, D)) {
            ledger.started(d);
        }
        ledger.told(A, ip(2));
        ledger.told(B, ip(3));
        ledger.confirmed(A, ip(2));
        ledger.confirmed(A, ip(2)); // a repeated confirmation does not count twice
        ledger.told(C, ip(4));      // one confirmed: not yet
        ledger.confirmed(B, ip(3));
        ledger.told(B, ip(3));      // told again (a retransmitted PARAMS): not a newly told device
        ledger.confirmed(C, ip(4)); // a confirmation is not a telling
        assertTrue(seen.isEmpty());
        ledger.told(D, ip(5));
        ledger.told(E, ip(6));      // the action runs once
        assertEquals(1, seen.size());
        LeaseLedger.Snapshot s = seen.get(0);
        assertEquals(3, s.confirmed());
        assertEquals(4, s.told());
        assertEquals(Set.of(D), s.inFlight());
        assertEquals(Set.of(D), s.toldNotConfirmed());
    }

    @Test
    void establishingAgainMustTellTheSameAddress() {
        LeaseLedger first = new LeaseLedger();
        first.told(A, ip(2));
        first.told(B, ip(3));
        first.told(C, ip(4));
        LeaseLedger again = new LeaseLedger();
        again.told(A, ip(2));
        again.told(B, ip(9));
        List<String> diff = first.differencesFrom(again);
        assertEquals(List.of("device b was told 10.80.0.3, and 10.80.0.9 when it established again",
                "device c (told 10.80.0.4) was not told any address when it established again"), diff);
    }
}
