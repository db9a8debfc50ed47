package net.dtm.pool;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import net.dtm.api.DtmException;
import net.dtm.api.DtmException.Reason;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.api.TunnelType;
import net.dtm.api.fakes.SettableClock;
import net.dtm.spi.store.BindResult;
import net.dtm.spi.store.LeaseStore;

/**
 * ESTABLISH and CONFIRM without holding the caller ({@link PoolManager#allocateAsync},
 * {@link PoolManager#confirmAsync}): the store's async writes are held by the test and run when it
 * says, on the test's thread, so each step is decided here; nothing waits on time.
 */
class AsyncLeaseTest extends PoolManagerTestBase {

    private static final Duration LOCK = Duration.ofSeconds(30);
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    /** The async writes asked for and not yet run: each completes its future when run. */
    private final BlockingQueue<Runnable> held = new LinkedBlockingQueue<>();

    @Override
    PoolManager newManager(CountingStore counting, SettableClock clock) {
        LeaseStore holding = new CountingStore(counting) {
            @Override
            public CompletableFuture<BindResult> tryBindAsync(Lease proposed) {
                return hold(() -> tryBind(proposed));
            }

            @Override
            public CompletableFuture<Optional<Lease>> updateAsync(Lease updated, long expectedSequence) {
                return hold(() -> update(updated, expectedSequence));
            }
        };
        PoolManager m = new PoolManager(holding, "node-1", clock, new PoolSettings(LOCK, 0.5, Duration.ofMinutes(10),
                new int[0]), null);
        m.createPool(Pool.of("p", "10.70.0.0/24", 3600));
        return m;
    }

    private <T> CompletableFuture<T> hold(Supplier<T> write) {
        CompletableFuture<T> f = new CompletableFuture<>();
        held.add(() -> {
            try {
                f.complete(write.get());
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    /** Runs the oldest held write (its continuations run here, as on a store's committing thread). */
    private void runHeldWrite() throws InterruptedException {
        Runnable w = held.poll(30, TimeUnit.SECONDS);
        assertTrue(w != null, "an async write was asked for");
        w.run();
    }

    private static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    private static DtmException refusal(CompletableFuture<?> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
        return assertInstanceOf(DtmException.class, e.getCause());
    }

    @Test
    void aNewDeviceIsBoundOnceItsWriteEndsAndItsLockIsHeldUntilThen() throws Exception {
        CompletableFuture<Lease> first = pm.allocateAsync("p", dev("d1"), TunnelType.VXLAN, null, 1);
        assertFalse(first.isDone(), "answered before the write ended");

        // another request of the same device waits for the device's lock
        AtomicReference<Thread> waiter = new AtomicReference<>();
        CompletableFuture<Lease> second = CompletableFuture.supplyAsync(() -> {
            waiter.set(Thread.currentThread());
            return pm.allocate("p", dev("d1"), TunnelType.VXLAN, null, 2);
        });
        await().atMost(PATIENCE).until(() -> waiter.get() != null && waiter.get().getState() == Thread.State.WAITING);
        assertFalse(second.isDone());

        runHeldWrite();
        Lease offered = get(first);
        assertEquals(LeaseState.LOCKED, offered.state());
        assertEquals("10.70.0.2", offered.address().getHostAddress());
        assertEquals(offered.address(), get(second).address(), "the second request got the same address, after the first");
        assertEquals(offered, derby.findByDevice("p", dev("d1")).orElseThrow(), "stored as answered");
    }

    @Test
    void anAddressTakenBehindTheIndexGoesTheSynchronousWay() throws Exception {
        // another node (or an operator) holds 10.70.0.2, the first free address, while this node's index still has it free
        derby.tryBind(new Lease("p", dev("other"), ip("10.70.0.2"), LeaseState.BOUND, 1, clock.instant().plus(LOCK),
                "node-2"));
        CompletableFuture<Lease> f = pm.allocateAsync("p", dev("d1"), TunnelType.VXLAN, null, 1);
        runHeldWrite();
        assertEquals("10.70.0.3", get(f).address().getHostAddress());
        assertEquals(1, pm.addressTaken());
        assertTrue(held.isEmpty(), "the retry wrote synchronously");
    }

    @Test
    void aDeviceAnotherNodeJustOfferedAnAddressGetsThatOfferFromTheWriteWithoutTheSynchronousWay() throws Exception {
        // an agent asks every server at once: node-2 locked 10.70.0.9 for d1 a moment ago
        Lease theirs = new Lease("p", dev("d1"), ip("10.70.0.9"), LeaseState.LOCKED, 1, clock.instant().plus(LOCK),
                "node-2");
        derby.tryBind(theirs);
        int writes = store.writes.get();
        CompletableFuture<Lease> f = pm.allocateAsync("p", dev("d1"), TunnelType.VXLAN, null, 1);
        runHeldWrite();
        assertEquals(theirs, get(f), "the stored offer, as the synchronous way answers");
        assertEquals(1, store.writes.get() - writes, "one write (the async one), no second one by the synchronous way");
        assertTrue(held.isEmpty());
    }

    @Test
    void aStoreFailingUnderTheWriteIsReportedUnavailableAndFreesTheDevice() throws Exception {
        CompletableFuture<Lease> f = pm.allocateAsync("p", dev("d1"), TunnelType.VXLAN, null, 1);
        store.down = true;
        runHeldWrite();
        assertEquals(Reason.STORE_UNAVAILABLE, refusal(f).reason());
        assertTrue(derby.leases("p").isEmpty(), "nothing stored");

        store.down = false;
        CompletableFuture<Lease> again = pm.allocateAsync("p", dev("d1"), TunnelType.VXLAN, null, 2);
        runHeldWrite();
        assertEquals("10.70.0.2", get(again).address().getHostAddress(), "the device's lock and its address were freed");
    }

    @Test
    void aConfirmOfTheOfferIsBoundOnceItsWriteEnds() throws Exception {
        Lease offered = pm.allocate("p", dev("d1"), TunnelType.VXLAN, null, 1);
        CompletableFuture<Lease> f = pm.confirmAsync("p", dev("d1"), offered.address(), offered.sequence(), 2);
        assertFalse(f.isDone(), "answered before the write ended");
        runHeldWrite();
        Lease bound = get(f);
        assertEquals(LeaseState.BOUND, bound.state());
        assertEquals(offered.sequence() + 1, bound.sequence());
        assertEquals(bound, derby.findByDevice("p", dev("d1")).orElseThrow());

        // the same CONFIRM again (a copy via another node) is answered from the store, writing nothing
        assertEquals(bound, get(pm.confirmAsync("p", dev("d1"), offered.address(), offered.sequence(), 2)));
        assertTrue(held.isEmpty());
    }

    @Test
    void aLeaseBoundWithoutHoldingTheCallerIsRenewedFromMemoryWhileTheStoreIsAway() throws Exception {
        Lease offered = pm.allocate("p", dev("d1"), TunnelType.VXLAN, null, 1);
        CompletableFuture<Lease> f = pm.confirmAsync("p", dev("d1"), offered.address(), offered.sequence(), 2);
        runHeldWrite();
        Lease bound = get(f);
        store.down = true;
        Lease renewed = pm.renew("p", dev("d1"), bound.address(), bound.sequence(), 3);
        assertEquals(bound.address(), renewed.address());
        assertEquals(1, pm.renewedDegraded(), "answered from the node's memory of the bound lease");
    }

    @Test
    void aConfirmQuotingAnotherLeaseIsRefusedAsTheSynchronousWayRefusesIt() throws Exception {
        Lease offered = pm.allocate("p", dev("d1"), TunnelType.VXLAN, null, 1);
        CompletableFuture<Lease> wrong = pm.confirmAsync("p", dev("d1"), ip("10.70.0.9"), offered.sequence(), 2);
        DtmException e = refusal(wrong);
        assertEquals(Reason.UNKNOWN_LEASE, e.reason(), e.getMessage());
        assertTrue(held.isEmpty(), "no async write for a quote that does not match");
        assertEquals(LeaseState.LOCKED, derby.findByDevice("p", dev("d1")).orElseThrow().state());
    }
}
