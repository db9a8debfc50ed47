package net.dtm.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import net.dtm.api.DeviceId;
import net.dtm.api.DtmException;
import net.dtm.api.DtmException.Reason;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.spi.store.LeaseStore;
import net.dtm.api.fakes.SettableClock;

/**
 * CONFIRM, RENEW and RELEASE quoting a lease (address and sequence): the quote is checked on the
 * very binding the change is then made to, so a binding replaced between the check and the change
 * (here by another node on the same store) is never changed on a stale quote.
 */
class QuotedChangesTest extends PoolManagerTestBase {

    private static final Duration LOCK = Duration.ofSeconds(30);

    /** Runs an action once, just before the manager's next write to a device's binding. */
    static final class InterleavingStore extends CountingStore {
        private final AtomicReference<Runnable> beforeNextUpdate = new AtomicReference<>();

        InterleavingStore(LeaseStore delegate) {
            super(delegate);
        }

        void beforeNextUpdate(Runnable action) {
            beforeNextUpdate.set(action);
        }

        @Override
        public Optional<Lease> update(Lease updated, long expectedSequence) {
            Runnable action = beforeNextUpdate.getAndSet(null);
            if (action != null) {
                action.run();
            }
            return super.update(updated, expectedSequence);
        }
    }

    private InterleavingStore interleaving;
    private PoolManager otherNode;

    @Override
    PoolManager newManager(CountingStore store, SettableClock clock) {
        interleaving = new InterleavingStore(store);
        PoolSettings settings = new PoolSettings(LOCK, 1.0, Duration.ZERO, new int[0]); // every renewal writes
        otherNode = new PoolManager(derby, "node-2", clock, settings, null);
        return new PoolManager(interleaving, "node-1", clock, settings, null);
    }

    /** A device with a bound lease at sequence 2 in pool {@code p}. */
    private Lease bound(DeviceId device) {
        pm.createPool(Pool.of("p", "10.20.0.0/29", 3600));
        Lease locked = pm.allocate("p", device);
        return pm.confirm("p", device, locked.address(), locked.sequence());
    }

    /**
     * Another node takes the device's binding away and the device comes back there: a fresh binding
     * (sequence 1, at {@code 10.20.0.6}) that the quote of the old one must not touch.
     */
    private AtomicReference<Lease> replaceOnOtherNode(DeviceId device) {
        AtomicReference<Lease> fresh = new AtomicReference<>();
        interleaving.beforeNextUpdate(() -> {
            assertTrue(otherNode.release("p", device));
            assertEquals(1, otherNode.sweep(), "quarantine 0: the released binding is reclaimed");
            fresh.set(otherNode.allocate("p", device, ip("10.20.0.6")));
        });
        return fresh;
    }

    /** The change quoting the replaced binding is refused, and the device's new binding stays as it is. */
    private void refusedLeavingTheNewBinding(Executable quotedChange, AtomicReference<Lease> fresh) {
        DtmException e = assertThrows(DtmException.class, quotedChange);
        assertEquals(Reason.UNKNOWN_LEASE, e.reason());
        assertEquals(1, fresh.get().sequence());
        assertEquals(ip("10.20.0.6"), fresh.get().address());
        assertEquals(fresh.get(), derby.findByDevice("p", fresh.get().device()).orElseThrow(), "the new binding is untouched");
        assertEquals(LeaseState.LOCKED, fresh.get().state());
    }

    @Test
    void aLateReleaseQuotingAReplacedBindingNeverReleasesTheDevicesNewOne() {
        Lease old = bound(dev("d1"));
        AtomicReference<Lease> fresh = replaceOnOtherNode(dev("d1"));
        refusedLeavingTheNewBinding(() -> pm.release("p", dev("d1"), old.address(), old.sequence()), fresh);
    }

    @Test
    void aRenewalQuotingAReplacedBindingIsRefused() {
        Lease old = bound(dev("d1"));
        AtomicReference<Lease> fresh = replaceOnOtherNode(dev("d1"));
        refusedLeavingTheNewBinding(() -> pm.renew("p", dev("d1"), old.address(), old.sequence()), fresh);
    }

    @Test
    void aConfirmQuotingAReplacedOfferIsRefused() {
        pm.createPool(Pool.of("p", "10.20.0.0/29", 3600));
        Lease offered = pm.allocate("p", dev("d1"));
        AtomicReference<Lease> fresh = replaceOnOtherNode(dev("d1"));
        refusedLeavingTheNewBinding(() -> pm.confirm("p", dev("d1"), offered.address(), offered.sequence()), fresh);
    }

    @Test
    void aQuotedReleaseNeedsTheDevicesLeaseAndIsHarmlessTwice() {
        DeviceId d = dev("d1");
        Lease lease = bound(d);
        assertEquals(Reason.UNKNOWN_LEASE, assertThrows(DtmException.class,
                () -> pm.release("p", d, ip("10.20.0.6"), lease.sequence())).reason(), "another address");
        assertEquals(Reason.UNKNOWN_LEASE, assertThrows(DtmException.class,
                () -> pm.release("p", d, lease.address(), lease.sequence() + 1)).reason(), "a sequence it never had");
        assertEquals(lease, derby.findByDevice("p", d).orElseThrow(), "refused quotes change nothing");

        assertTrue(pm.release("p", d, lease.address(), 1), "an older sequence of the same binding is its quote");
        assertEquals(LeaseState.RELEASED, derby.findByDevice("p", d).orElseThrow().state());
        int writes = store.writes.get();
        assertTrue(pm.release("p", d, lease.address(), lease.sequence()), "again: harmless");
        assertEquals(writes, store.writes.get());

        assertEquals(Reason.UNKNOWN_LEASE, assertThrows(DtmException.class,
                () -> pm.release("p", dev("nobody"), lease.address(), 1)).reason(), "no lease");
        assertEquals(Reason.UNKNOWN_LEASE, assertThrows(DtmException.class,
                () -> pm.release("nope", d, lease.address(), 1)).reason(), "no pool: no lease either");
    }

    @Test
    void aDelegatedPrefixIsQuotedByItsInnerAddressToo() {
        Pool pd = pm.createPool(Pool.of("pd", "2001:db8::/48", 3600).withDelegatedLength(64));
        Lease locked = pm.allocate("pd", dev("r"));
        Lease bound = pm.confirm("pd", dev("r"), pd.innerAddress(locked.address()), locked.sequence());
        Lease renewed = pm.renew("pd", dev("r"), pd.innerAddress(bound.address()), bound.sequence());
        assertEquals(bound.sequence() + 1, renewed.sequence(), "renewed (every renewal writes)");
        assertTrue(pm.release("pd", dev("r"), pd.innerAddress(bound.address()), 1));
        assertEquals(LeaseState.RELEASED, derby.findByDevice("pd", dev("r")).orElseThrow().state());
    }
}
