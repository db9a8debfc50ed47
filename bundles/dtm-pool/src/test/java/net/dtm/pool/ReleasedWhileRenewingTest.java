package net.dtm.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.Cidr;
import net.dtm.api.DeviceId;
import net.dtm.api.DtmException;
import net.dtm.api.DtmException.Reason;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.api.fakes.SettableClock;
import net.dtm.store.derby.DerbyStore;

/**
 * An operator's release that lands just after a renewal or confirm of the same device has ended
 * its write and freed the device's lock: the bound lease must not be remembered again for
 * renewals while the store is away. The pool's parts are put together as {@link PoolManager}
 * does; each step runs on the test's thread, in the order the test gives.
 */
class ReleasedWhileRenewingTest {

    private static final DeviceId D = DeviceId.of("d1");

    @TempDir
    java.nio.file.Path dir;

    private DerbyStore derby;
    /** The async write asked for, run when the test says. */
    private volatile Runnable heldWrite;
    private CountingStore store;
    private final SettableClock clock = new SettableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final StoreOutage outage = new StoreOutage("n1", clock);
    private final Offers offers = new Offers();
    private DegradedMemory memory;
    private LeaseLifecycle lifecycle;
    private Lease offer;

    @BeforeEach
    void setUp() {
        derby = new DerbyStore(dir.resolve("db"));
        store = new CountingStore(derby) {
            @Override
            public CompletableFuture<Optional<Lease>> updateAsync(Lease updated, long expectedSequence) {
                CompletableFuture<Optional<Lease>> f = new CompletableFuture<>();
                heldWrite = () -> f.complete(update(updated, expectedSequence));
                return f;
            }
        };
        Pool pool = Pool.of("p", "10.1.0.0/24", 3600);
        store.createPool(pool);
        PoolStates states = new PoolStates(store, "n1", false, new PoolAlarms("n1", PoolSettings.DEFAULTS));
        states.created(pool);
        memory = new DegradedMemory("n1", clock, Duration.ofMinutes(10), states, outage);
        lifecycle = new LeaseLifecycle(store, "n1", clock, 0.5, new DeviceLocks(), states, offers, memory);
        offer = store.tryBind(new Lease("p", D, Cidr.parseLiteral("10.1.0.9"), LeaseState.LOCKED, 1,
                clock.instant().plusSeconds(30), "n1")).lease();
        offers.remember(offer);
    }

    @AfterEach
    void tearDown() {
        derby.close();
    }

    /** A CONFIRM or RENEW as PoolManager makes it, with {@code meanwhile} run once the lifecycle has answered. */
    private Lease extend(boolean confirm, Quote quote, Runnable meanwhile) {
        return memory.renew("p", D, quote, () -> outage.guarded("renew", () -> {
            Lease l = lifecycle.extend("p", D, confirm, quote);
            meanwhile.run(); // the device's lock is free again here
            return l;
        }));
    }

    private void operatorRelease() {
        assertTrue(lifecycle.release("p", D, null));
    }

    /** A renewal of {@code bound} while the store is away. */
    private DtmException refusedWhileTheStoreIsAway(Lease bound) {
        store.down = true;
        return assertThrows(DtmException.class, () -> extend(false, new Quote(bound.address(), bound.sequence()), () -> {
        }));
    }

    @Test
    void aReleaseRightAfterARenewalIsNotUndoneByIt() {
        Lease bound = extend(true, new Quote(offer.address(), offer.sequence()), this::operatorRelease);
        assertEquals(LeaseState.BOUND, bound.state());
        assertEquals(LeaseState.RELEASED, derby.findByDevice("p", D).orElseThrow().state());

        assertEquals(Reason.STORE_UNAVAILABLE, refusedWhileTheStoreIsAway(bound).reason(),
                "a released lease is not renewed from memory");
        assertEquals(0, memory.renewedDegraded());
        assertEquals(0, memory.size());
    }

    @Test
    void aConfirmBoundWithoutHoldingTheCallerIsRememberedBeforeTheDevicesLockIsFree() throws Exception {
        CompletableFuture<Lease> common = lifecycle.confirmCommon("p", D, new Quote(offer.address(), offer.sequence(), 2));
        CompletableFuture<Lease> released = common.thenApply(l -> { // runs once the device's lock is free
            assertEquals(1, memory.size(), "remembered by then");
            operatorRelease();
            return l;
        });
        heldWrite.run();
        Lease bound = released.get(30, TimeUnit.SECONDS);
        assertEquals(LeaseState.BOUND, bound.state());

        assertEquals(Reason.STORE_UNAVAILABLE, refusedWhileTheStoreIsAway(bound).reason(),
                "a released lease is not renewed from memory");
        assertEquals(0, memory.size());
    }

    @Test
    void withoutAReleaseARenewedLeaseIsStillRenewedFromMemory() {
        Lease bound = extend(true, new Quote(offer.address(), offer.sequence()), () -> {
        });
        store.down = true;
        Lease fromMemory = extend(false, new Quote(bound.address(), bound.sequence()), () -> {
        });
        assertEquals(bound.address(), fromMemory.address());
        assertEquals(1, memory.renewedDegraded());
    }
}
