package net.dtm.store.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.api.metrics.Histogram;
import net.dtm.api.metrics.Metric;

/** The ZooKeeper store's commit figures and its refusal of store:backup. */
class ZkOperationsTest {

    @RegisterExtension
    static final ZkTesting.Server ZK = new ZkTesting.Server();

    @TempDir
    Path dir;

    @Test
    void everyCommittedTransactionIsTimedAndBackupIsRefusedNamingZooKeeperSnapshots() throws Exception {
        ZkStore store = ZkTesting.openStore(ZkTesting.settings(ZK.get(), ZkTesting.freshNamespace(), "n1"));
        try {
            ZkOperations c = new ZkOperations(store);
            Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
            store.createPool(Pool.of("p", "10.64.0.0/24", 3600));
            assertTrue(store.add(new DeviceCredential(DeviceId.of("d1"), new byte[32], t0)));
            Lease l = new Lease("p", DeviceId.of("d1"), InetAddress.getByName("10.64.0.2"), LeaseState.LOCKED, 1, t0, "n1");
            store.tryBind(l);
            store.update(l.with(LeaseState.BOUND, 2, t0.plusSeconds(60), "n1"), 1);
            store.remove("p", DeviceId.of("d1"), 2);
            store.tryBind(new Lease("p", DeviceId.of("d2"), InetAddress.getByName("10.64.0.3"), LeaseState.LOCKED, 1, t0, "n1"));
            // a refused compare-and-set commits nothing and is not counted
            assertTrue(store.update(l.with(LeaseState.BOUND, 9, t0, "n1"), 7).isEmpty());

            List<Metric> metrics = c.metrics();
            assertEquals(List.of("dtm_store_commit_seconds", "dtm_store_commit_batch_size"),
                    metrics.stream().map(Metric::name).toList());
            Histogram seconds = metrics.get(0).samples().get(0).histogram();
            assertEquals(6, seconds.count(), "pool, device, bind, update, remove, bind");
            assertTrue(seconds.sum() > 0);
            assertEquals(Map.of("store", "zookeeper"), metrics.get(0).samples().get(0).labels());
            assertEquals(6, metrics.get(1).samples().get(0).histogram().bucketCounts()[0], "one write per transaction");

            UnsupportedOperationException refused = assertThrows(UnsupportedOperationException.class,
                    () -> c.backup(dir.resolve("backup")));
            assertTrue(refused.getMessage().contains("ZooKeeper keeps its own snapshots"), refused.getMessage());
            assertFalse(Files.exists(dir.resolve("backup")), "nothing written");
        } finally {
            ZkTesting.close(store);
        }
    }
}
