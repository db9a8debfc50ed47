package net.dtm.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import net.dtm.api.Pool;
import net.dtm.spi.store.LeaseStore;

/** A pool changed (PoolCatalogue.update / poolChanged: store written, then states.forget) while its state was loading. */
class PoolStateReloadRaceTest {

    private volatile Pool stored = Pool.of("demo", "10.64.0.0/24", 3600);
    private final CountDownLatch scanning = new CountDownLatch(1);
    private final CountDownLatch updated = new CountDownLatch(1);
    private final AtomicInteger scans = new AtomicInteger();

    private final LeaseStore store = (LeaseStore) Proxy.newProxyInstance(LeaseStore.class.getClassLoader(),
            new Class<?>[] {LeaseStore.class}, (proxy, method, args) -> {
                switch (method.getName()) {
                    case "pool":
                        return Optional.of(stored);
                    case "forEachAddress": // the O(bindings) scan: the update lands meanwhile
                        scans.incrementAndGet();
                        scanning.countDown();
                        updated.await(5, TimeUnit.SECONDS);
                        return null;
                    default:
                        return method.getReturnType() == boolean.class ? false : null;
                }
            });

    private final PoolStates states = new PoolStates(store, "n1", false, new PoolAlarms("n1", PoolSettings.DEFAULTS));

    @Test
    void aChangeMadeWhileThePoolLoadsIsNotLost() throws Exception {
        CompletableFuture<PoolState> first = CompletableFuture.supplyAsync(() -> states.state("demo"));
        assertTrue(scanning.await(5, TimeUnit.SECONDS));
        stored = stored.withLeaseSeconds(60);   // the operator's pool:update, as PoolCatalogue.update does it:
        states.forget("demo");                  // written to the store, then the loaded state forgotten
        updated.countDown();
        assertEquals(3600, first.get(5, TimeUnit.SECONDS).pool.leaseSeconds(), "the call begun before the change");
        assertEquals(60, states.state("demo").pool.leaseSeconds(), "the node still serves the pool as it was");
        assertEquals(60, states.state("demo").pool.leaseSeconds());
        assertEquals(2, scans.get(), "the reloaded state is kept");
    }

    @Test
    void withoutAChangeTheLoadedStateIsKept() {
        updated.countDown();
        PoolState s = states.state("demo");
        assertSame(s, states.state("demo"));
        assertSame(s, states.loaded("demo"));
        assertEquals(1, scans.get());
    }
}
