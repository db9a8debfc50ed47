package net.dtm.store.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import net.dtm.api.Cidr;
import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.api.metrics.Histogram;
import net.dtm.spi.store.BindResult;
import net.dtm.spi.store.LeaseStore;

/**
 * Two stores (two nodes) on one namespace binding, confirming and releasing concurrently over the
 * same few addresses: every node's writes are committed in shared transactions, and still no
 * address or device is ever bound twice and every answer matches what is stored.
 */
class ZkStoreGroupCommitTest {

    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    @RegisterExtension
    static final ZkTesting.Server ZK = new ZkTesting.Server();
    private ZkStore a;
    private ZkStore b;

    @BeforeEach
    void open() throws Exception {
        String namespace = ZkTesting.freshNamespace();
        a = ZkTesting.openStore(ZkTesting.settings(ZK.get(), namespace, "a"));
        b = ZkTesting.openStore(ZkTesting.settings(ZK.get(), namespace, "b"));
        a.createPool(Pool.of("p", "10.64.0.0/24", 3600));
        assertTrue(b.pool("p").isPresent());
    }

    @AfterEach
    void close() {
        ZkTesting.close(a);
        ZkTesting.close(b);
    }

    private static InetAddress address(int host) {
        return Cidr.parseLiteral("10.64.0." + host);
    }

    /**
     * Each device takes the first free address from {@code start} on, confirms it, and half of them
     * release it; with {@code async} it binds and confirms through the async writes.
     */
    private static Lease allocate(LeaseStore store, String node, DeviceId device, int start, boolean async)
            throws Exception {
        for (int i = 0; i < 200; i++) {
            InetAddress addr = address(2 + (start + i) % 200);
            Lease offer = new Lease("p", device, addr, LeaseState.LOCKED, 1, T0, node);
            BindResult r = async ? store.tryBindAsync(offer).get(30, TimeUnit.SECONDS) : store.tryBind(offer);
            switch (r.outcome()) {
                case BOUND -> {
                    Lease next = r.lease().with(LeaseState.BOUND, 2, T0.plusSeconds(60), node);
                    Lease bound = (async ? store.updateAsync(next, 1).get(30, TimeUnit.SECONDS) : store.update(next, 1))
                            .orElseThrow(() -> new AssertionError("nobody else writes " + device + "'s binding"));
                    if (device.value().hashCode() % 2 == 0) {
                        assertTrue(store.remove("p", device, 2), "released " + device);
                        return null;
                    }
                    return bound;
                }
                case DEVICE_ALREADY_BOUND -> throw new AssertionError(device + " is allocated once: " + r.lease());
                case ADDRESS_TAKEN -> {
                    // the next one
                }
                default -> throw new AssertionError(r.outcome().toString());
            }
        }
        throw new AssertionError("no free address for " + device);
    }

    /**
     * An agent asks every server at once: the second node's async bind finds the device bound by
     * the first and answers with that binding, read in the background (ZkAccessPipelinedTest,
     * ZkSlowEnsembleTest: the read holds no thread while it waits), without binding a second address.
     */
    @Test
    void anAsyncBindOfADeviceAnotherNodeBoundAnswersWithThatBinding() throws Exception {
        DeviceId device = DeviceId.of("asks-every-server");
        Lease first = new Lease("p", device, address(10), LeaseState.LOCKED, 1, T0, "a");
        assertEquals(BindResult.Outcome.BOUND, a.tryBind(first).outcome());

        BindResult r = b.tryBindAsync(new Lease("p", device, address(11), LeaseState.LOCKED, 1, T0, "b")).get(30, TimeUnit.SECONDS);
        assertEquals(BindResult.Outcome.DEVICE_ALREADY_BOUND, r.outcome());
        assertEquals(first, r.lease());
        assertTrue(b.findByAddress("p", address(11)).isEmpty(), "the second address was not bound");
    }

    @Test
    void twoNodesAllocatingConcurrentlyShareTransactionsAndNeverBindAnAddressTwice() throws Exception {
        allocateConcurrently(false);
    }

    @Test
    void asyncWritesOfTwoNodesShareTransactionsAndNeverBindAnAddressTwice() throws Exception {
        allocateConcurrently(true);
    }

    private void allocateConcurrently(boolean async) throws Exception {
        int threads = 16;
        int perThread = 6;
        ExecutorService pool = Executors.newFixedThreadPool(2 * threads);
        CountDownLatch go = new CountDownLatch(1);
        Map<DeviceId, Lease> held = new ConcurrentHashMap<>();
        List<Future<?>> runs = new ArrayList<>();
        try {
            for (int t = 0; t < 2 * threads; t++) {
                ZkStore store = t % 2 == 0 ? a : b;
                String node = t % 2 == 0 ? "a" : "b";
                int thread = t;
                runs.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        DeviceId device = DeviceId.of("dev-" + thread + "-" + i);
                        // a thread of each node starts on the same addresses: they collide
                        Lease l = allocate(store, node, device, 12 * (thread / 2), async);
                        if (l != null) {
                            held.put(device, l);
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : runs) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        List<Lease> stored = a.leases("p");
        Map<InetAddress, DeviceId> byAddress = new HashMap<>();
        for (Lease l : stored) {
            DeviceId other = byAddress.put(l.address(), l.device());
            assertTrue(other == null, l.address() + " bound to " + other + " and " + l.device());
            assertEquals(l, held.get(l.device()), "what the caller was told is what is stored");
            assertEquals(LeaseState.BOUND, l.state());
        }
        assertEquals(held.size(), stored.size(), "every confirmed binding is stored, no released one is");
        assertEquals(held.size(), stored.stream().map(Lease::device).distinct().count());

        for (ZkStore s : List.of(a, b)) {
            Histogram batches = s.commitMetrics().metrics().get(1).samples().get(0).histogram();
            assertTrue(batches.count() < batches.sum(), "concurrent writes share transactions: " + (long) batches.sum()
                    + " writes in " + batches.count() + " transactions");
        }
    }
}
