package net.dtm.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import net.dtm.api.Lease;
import net.dtm.api.Pool;
import net.dtm.api.TunnelType;
import net.dtm.spi.store.LeaseStore;
import net.dtm.api.fakes.SettableClock;

/**
 * The pool list used to select a pool: an expired list is re-read by one thread while the others
 * go on with it, and a pool changed on this node is seen at once, whatever re-read is under way.
 */
class PoolListRefreshTest extends PoolManagerTestBase {

    /** Counts {@code pools()} reads; once armed, holds the next read after it read the store. */
    static final class GatedStore extends CountingStore {
        final AtomicInteger reads = new AtomicInteger();
        private final AtomicBoolean armed = new AtomicBoolean();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        GatedStore(LeaseStore delegate) {
            super(delegate);
        }

        void arm() {
            armed.set(true);
        }

        @Override
        public List<Pool> pools() {
            reads.incrementAndGet();
            List<Pool> read = super.pools();
            if (armed.compareAndSet(true, false)) {
                entered.countDown();
                try {
                    if (!release.await(30, TimeUnit.SECONDS)) {
                        throw new AssertionError("the held pools() read was never released");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return read;
        }
    }

    private GatedStore gated;
    private final ExecutorService callers = Executors.newCachedThreadPool();

    @Override
    PoolManager newManager(CountingStore store, SettableClock clock) {
        gated = new GatedStore(store);
        return new PoolManager(gated, "node-1", clock, PoolSettings.of(Duration.ofSeconds(30), 0.5), null);
    }

    @AfterEach
    void stopCallers() {
        gated.release.countDown();
        callers.shutdownNow();
    }

    private Future<Lease> allocating(String device) {
        return callers.submit(() -> pm.allocate(dev(device), TunnelType.VXLAN, null));
    }

    private String poolOf(String device) {
        return pm.allocate(dev(device), TunnelType.VXLAN, null).pool();
    }

    @Test
    void anExpiredListIsReReadByOneCallerWhileTheOthersGoOnWithIt() throws Exception {
        pm.createPool(Pool.of("any", "10.1.0.0/24", 3600));
        assertEquals("any", poolOf("d0"));
        int read = gated.reads.get();
        assertEquals("any", poolOf("d1"));
        assertEquals(read, gated.reads.get(), "a list younger than its time to live is not read again");

        clock.advance(PoolCatalogue.POOL_LIST_TTL);
        gated.arm();
        Future<Lease> refresher = allocating("d2");
        assertTrue(gated.entered.await(30, TimeUnit.SECONDS), "the expired list is re-read");
        assertEquals(read + 1, gated.reads.get());

        Future<Lease> other = allocating("d3");
        assertEquals("any", other.get(30, TimeUnit.SECONDS).pool(), "served from the previous list");
        assertEquals(read + 1, gated.reads.get(), "the second caller did not read the list itself");
        assertFalse(refresher.isDone(), "the re-read is still held");

        gated.release.countDown();
        assertEquals("any", refresher.get(30, TimeUnit.SECONDS).pool());
        assertEquals(read + 1, gated.reads.get(), "exactly one extra read");
        assertEquals("any", poolOf("d4"));
        assertEquals(read + 1, gated.reads.get(), "the re-read list is kept for the next time to live");
    }

    @Test
    void aPoolCreatedWhileAnExpiredListIsReReadIsUsedAtOnceAndStaysUsed() throws Exception {
        pm.createPool(Pool.of("any", "10.1.0.0/24", 3600));
        assertEquals("any", poolOf("car-0"));

        clock.advance(PoolCatalogue.POOL_LIST_TTL);
        gated.arm();
        Future<Lease> refresher = allocating("car-1"); // holds a list read before "buses" exists
        assertTrue(gated.entered.await(30, TimeUnit.SECONDS));

        pm.createPool(Pool.of("buses", "10.2.0.0/24", 3600).withDevicePatterns(List.of("bus-*")));
        assertEquals("buses", poolOf("bus-1"), "a pool created on this node is used at once");

        gated.release.countDown();
        assertEquals("any", refresher.get(30, TimeUnit.SECONDS).pool());
        assertEquals("buses", poolOf("bus-2"), "the older list of the held re-read was not kept over the newer one");
    }

    @Test
    void aPoolCreatedRightAfterARefreshIsUsedAtOnce() {
        pm.createPool(Pool.of("any", "10.1.0.0/24", 3600));
        assertEquals("any", poolOf("car-0"));
        clock.advance(PoolCatalogue.POOL_LIST_TTL);
        int read = gated.reads.get();
        assertEquals("any", poolOf("car-1"));
        assertEquals(read + 1, gated.reads.get(), "refreshed");

        pm.createPool(Pool.of("buses", "10.2.0.0/24", 3600).withDevicePatterns(List.of("bus-*")));
        assertEquals("buses", poolOf("bus-1"), "no wait for the time to live");
        pm.deletePool("buses");
        assertEquals("any", poolOf("bus-2"), "a deleted pool is dropped at once too");
    }
}
