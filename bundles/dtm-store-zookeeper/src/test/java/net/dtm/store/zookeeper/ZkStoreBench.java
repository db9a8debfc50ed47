package net.dtm.store.zookeeper;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.curator.test.TestingServer;

import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.spi.store.BindResult.Outcome;

/**
 * Prints ZkStore figures against one in-process test server (not an ensemble: no quorum writes
 * between machines, so these are upper bounds of the client side): tryBind per second with 1 and
 * 16 threads, update per second, and the time of a full walk (leases, countLeases, forEachAddress).
 * Run: {@code mvn -o test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt -Dmdep.includeScope=test}
 * in the module, then
 * {@code java -cp target/classes:target/test-classes:$(cat cp.txt) net.dtm.store.zookeeper.ZkStoreBench [leases]}.
 */
public final class ZkStoreBench {

    public static void main(String[] args) throws Exception {
        int total = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        try (TestingServer server = ZkTesting.server()) {
            ZkStore store = ZkTesting.openStore(ZkTesting.settings(server, "bench", "n1"));
            store.createPool(Pool.of("p", "10.0.0.0/8", 3600));
            AtomicInteger next = new AtomicInteger(2);
            Instant t0 = Instant.parse("2030-01-01T00:00:00Z");
            for (int threads : new int[] {1, 16}) {
                int n = total / 2;
                long start = System.nanoTime();
                ExecutorService pool = Executors.newFixedThreadPool(threads);
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    fs.add(pool.submit(() -> {
                        int i;
                        while ((i = next.getAndIncrement()) < 2 + n * (threads == 1 ? 1 : 2)) {
                            Lease l = new Lease("p", DeviceId.of("d" + i), Pool.of("p", "10.0.0.0/8", 3600).addressAt(i),
                                    LeaseState.LOCKED, 1, t0, "n1");
                            if (store.tryBind(l).outcome() != Outcome.BOUND) {
                                throw new AssertionError("not bound: " + l);
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : fs) {
                    f.get();
                }
                pool.shutdown();
                double s = (System.nanoTime() - start) / 1e9;
                System.out.printf("tryBind, %2d thread(s): %6d binds in %.1f s = %6.0f binds/s%n", threads, n, s, n / s);
            }
            long start = System.nanoTime();
            List<Lease> all = store.leases("p");
            System.out.printf("leases(pool) of %d bindings: %.2f s%n", all.size(), (System.nanoTime() - start) / 1e9);
            start = System.nanoTime();
            store.countLeases("p", t0, t0.minusSeconds(600));
            System.out.printf("countLeases of %d bindings: %.2f s%n", all.size(), (System.nanoTime() - start) / 1e9);
            start = System.nanoTime();
            AtomicInteger seen = new AtomicInteger();
            store.forEachAddress("p", a -> seen.incrementAndGet());
            System.out.printf("forEachAddress of %d bindings (names only): %.2f s%n", seen.get(), (System.nanoTime() - start) / 1e9);
            start = System.nanoTime();
            int updates = Math.min(5000, all.size());
            for (int i = 0; i < updates; i++) {
                Lease l = all.get(i);
                store.update(l.with(LeaseState.BOUND, 2, t0.plusSeconds(3600), "n1"), 1).orElseThrow();
            }
            double s = (System.nanoTime() - start) / 1e9;
            System.out.printf("update (CAS), 1 thread: %d in %.1f s = %.0f/s%n", updates, s, updates / s);
            ZkTesting.close(store);
        }
    }
}
