package net.dtm.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import net.dtm.api.DeviceId;
import net.dtm.api.DtmException;
import net.dtm.api.DtmException.Reason;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.api.TunnelType;
import net.dtm.api.fakes.SettableClock;

/**
 * The persisted freshness of a device's requests, judged on the binding under the device's lock:
 * older than the binding's mark refused {@code stale-sequence} (with the mark), equal answered
 * without a write, newer applied and recorded; a quote names the exact instance of the binding.
 */
class FreshnessTest extends PoolManagerTestBase {

    private static final DeviceId D = DeviceId.of("d1");
    private PoolManager otherNode;

    @Override
    PoolManager newManager(CountingStore store, SettableClock clock) {
        // lease cache as deployed: writes only below half the lease time, for operators' renewals
        PoolSettings settings = PoolSettings.of(Duration.ofSeconds(30), 0.5);
        otherNode = new PoolManager(derby, "node-2", clock, settings, null);
        return new PoolManager(store, "node-1", clock, settings, null);
    }

    @BeforeEach
    void pool() {
        pm.createPool(Pool.of("p", "10.64.0.0/24", 3600));
    }

    private Lease bound(long establish, long confirm) {
        Lease offered = pm.allocate("p", D, TunnelType.VXLAN, null, establish);
        assertEquals(establish, offered.deviceSequence(), "the ESTABLISH's number is the first mark");
        assertEquals(1, offered.instance());
        return pm.confirm("p", D, offered.address(), offered.sequence(), confirm);
    }

    private static Reason reason(Runnable r) {
        return assertThrows(DtmException.class, r::run).reason();
    }

    @Test
    void anOlderRequestIsRefusedWithTheMarkAndChangesNothing() {
        Lease l = bound(100, 101);
        assertEquals(101, l.deviceSequence());
        int writes = store.writes.get();
        DtmException e = assertThrows(DtmException.class, () -> pm.renew("p", D, l.address(), l.sequence(), 100));
        assertEquals(Reason.STALE_SEQUENCE, e.reason());
        assertEquals(101, e.deviceSequence(), "the refusal carries the mark");
        assertEquals(Reason.STALE_SEQUENCE, reason(() -> otherNode.release("p", D, l.address(), l.sequence(), 50)));
        assertEquals(Reason.STALE_SEQUENCE, reason(() -> otherNode.confirm("p", D, l.address(), l.sequence(), 99)));
        assertEquals(Reason.STALE_SEQUENCE, reason(() -> otherNode.allocate(null, D, TunnelType.VXLAN, null, 7)));
        assertEquals(writes, store.writes.get());
        assertEquals(l, pm.lease("p", D).orElseThrow());
    }

    @Test
    void theSameRequestAgainIsAnsweredFromTheBindingWithoutAWrite() {
        Lease l = bound(100, 101);
        int writes = store.writes.get();
        assertEquals(l, pm.confirm("p", D, l.address(), l.sequence(), 101), "a copy via another link");
        assertEquals(writes, store.writes.get());
        assertEquals(l, otherNode.confirm("p", D, l.address(), l.sequence(), 101), "a copy via another node");
        assertEquals(l, pm.allocate("p", D, TunnelType.VXLAN, null, 101), "(its bind attempt changes nothing)");
        assertEquals(l, pm.lease("p", D).orElseThrow());
        Lease renewed = otherNode.renew("p", D, l.address(), l.sequence(), 102);
        assertEquals(renewed, pm.renew("p", D, l.address(), l.sequence(), 102));
        assertEquals(renewed, pm.lease("p", D).orElseThrow());
    }

    @Test
    void everyNewRenewalOfADeviceWritesItsNumberOperatorsStillUseTheCache() {
        Lease l = bound(100, 101);
        int writes = store.writes.get();
        Lease r = pm.renew("p", D, l.address(), l.sequence(), 102);
        assertEquals(writes + 1, store.writes.get(), "far from expiry, yet written: the number must be recorded");
        assertEquals(102, r.deviceSequence());
        assertEquals(r, pm.renew("p", D), "an operator's renewal is answered from the cache");
        assertEquals(writes + 1, store.writes.get());
    }

    @Test
    void aQuoteNamesTheExactInstanceOfTheBinding() {
        Lease first = bound(100, 101);
        assertTrue(pm.release("p", D, first.address(), first.sequence(), 102));
        Lease again = pm.allocate("p", D, TunnelType.VXLAN, null, 103);
        assertEquals(first.address(), again.address(), "sticky");
        assertEquals(again.sequence(), again.instance(), "a new tenancy begins at its own sequence");
        assertEquals(LeaseState.LOCKED, again.state());
        Lease confirmed = pm.confirm("p", D, again.address(), again.sequence(), 104);
        // a quote of the earlier tenancy, even with a fresh number, names no lease the device holds
        assertEquals(Reason.UNKNOWN_LEASE, reason(() -> otherNode.release("p", D, first.address(), first.sequence(), 200)));
        assertEquals(Reason.UNKNOWN_LEASE, reason(() -> pm.renew("p", D, first.address(), first.sequence(), 201)));
        assertEquals(confirmed, pm.lease("p", D).orElseThrow());
        assertTrue(pm.release("p", D, confirmed.address(), confirmed.sequence(), 202));
    }

    @Test
    void aReleasedBindingTakenAgainRecordsTheNumberAndAnOldEstablishCannotTakeIt() {
        Lease first = bound(100, 101);
        assertTrue(pm.release("p", D, first.address(), first.sequence(), 102));
        assertEquals(Reason.STALE_SEQUENCE, reason(() -> otherNode.allocate("p", D, TunnelType.VXLAN, null, 100)),
                "a replayed ESTABLISH does not lock the released address again");
        assertEquals(LeaseState.RELEASED, pm.lease("p", D).orElseThrow().state());
        assertTrue(pm.release("p", D, first.address(), first.sequence(), 102), "a copy of the release: harmless");
    }

    @Test
    void aReservationOnAnotherAddressKeepsTheDevicesMark() {
        bound(100, 101);
        Lease reserved = pm.reserve("p", D, ip("10.64.0.50"));
        assertEquals(101, reserved.deviceSequence());
        assertEquals(Reason.STALE_SEQUENCE, reason(() -> pm.allocate("p", D, TunnelType.VXLAN, null, 100)),
                "an old ESTABLISH does not lock the reservation");
        assertEquals(ip("10.64.0.50"), pm.allocate("p", D, TunnelType.VXLAN, null, 102).address());
    }

    @Test
    void operatorsCallsAreNotJudgedAndKeepTheMark() {
        Lease l = bound(100, 101);
        assertTrue(pm.release("p", D));
        assertEquals(101, pm.lease("p", D).orElseThrow().deviceSequence());
        assertEquals(Reason.BAD_REQUEST, reason(() -> pm.renew("p", D, l.address(), l.sequence(), 0)));
        InetAddress addr = l.address();
        assertEquals(Reason.BAD_REQUEST, reason(() -> pm.allocate("p", D, TunnelType.VXLAN, addr, -1)));
    }

    @Test
    void bindingsWithoutAMarkAcceptAnyNumber() {
        // stored before the mark existed: instance and mark 0
        derby.tryBind(new Lease("p", D, ip("10.64.0.9"), LeaseState.BOUND, 5, clock.instant().plusSeconds(60), "old"));
        Lease l = pm.renew("p", D, ip("10.64.0.9"), 3, 1);
        assertEquals(1, l.deviceSequence());
        assertEquals(0, l.instance(), "any quoted sequence from 1 still names it");
    }
}
