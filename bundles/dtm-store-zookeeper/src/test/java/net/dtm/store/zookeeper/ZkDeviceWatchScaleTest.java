package net.dtm.store.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.state.ConnectionState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.spi.store.DeviceStore;

/**
 * A node joining a cluster that has a large fleet enrolled: its device watch must be set at once
 * and report changes, without reading the fleet. (It once read every device at each connection:
 * at 24,000 devices the load outlasted the 5 s request timeout, the client reconnected and began
 * again, and the node answered nothing.) Here 30,000 devices and a 1 s request timeout.
 */
class ZkDeviceWatchScaleTest {

    @RegisterExtension
    static final ZkTesting.Server ZK = new ZkTesting.Server();

    private static final int DEVICES = 30_000;

    @Test
    void aLargeFleetDoesNotKeepTheDeviceWatchFromStartingNorTheConnectionFromStaying() throws Exception {
        String namespace = ZkTesting.freshNamespace();
        ZkSettings settings = ZkTesting.settings(ZK.get(), namespace, "n1").withRequestTimeout(1000);
        ZkStore first = ZkTesting.openStore(settings);
        try {
            first.add(new DeviceCredential(DeviceId.of("seed"), new byte[32], Instant.EPOCH)); // the base nodes
            enrolInBulk(settings, DEVICES);

            ZkStore joining = ZkTesting.openStore(settings.withNodeId("n2"));
            try {
                AtomicInteger suspended = new AtomicInteger();
                CuratorFramework client = ZkTesting.clientOf(joining);
                client.getConnectionStateListenable().addListener((c, state) -> {
                    if (state == ConnectionState.SUSPENDED || state == ConnectionState.LOST) {
                        suspended.incrementAndGet();
                    }
                });
                LinkedBlockingQueue<DeviceId> changed = new LinkedBlockingQueue<>();
                try (DeviceStore.Subscription s = joining.addDeviceListener(changed::add).orElseThrow()) {
                    DeviceId late = DeviceId.of("late-comer");
                    assertTrue(first.add(new DeviceCredential(late, new byte[32], Instant.EPOCH)));
                    assertEquals(late, changed.poll(10, TimeUnit.SECONDS), "another node's enrolment is reported");
                    assertTrue(joining.isAvailable(), "still connected");
                    assertEquals(0, suspended.get(), "the connection never dropped");
                }
            } finally {
                ZkTesting.close(joining);
            }
        } finally {
            ZkTesting.close(first);
        }
    }

    /** Writes {@code count} device nodes directly, 500 to a transaction (the store's add is one at a time). */
    private static void enrolInBulk(ZkSettings settings, int count) throws Exception {
        CuratorFramework raw = ZkNode.newClient(settings.withNodeId("bulk"));
        raw.start();
        try {
            assertTrue(raw.blockUntilConnected(10, TimeUnit.SECONDS));
            Set<String> buckets = new TreeSet<>();
            List<CuratorOp> ops = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                DeviceId id = DeviceId.of(String.format("fleet-%06d", i));
                String path = ZkPaths.devicePath(id);
                String bucket = path.substring(0, path.lastIndexOf('/'));
                if (buckets.add(bucket) && raw.checkExists().forPath(bucket) == null) {
                    raw.create().forPath(bucket);
                }
                ops.add(raw.transactionOp().create().forPath(path, Codec.device(new DeviceCredential(id, new byte[32],
                        Instant.EPOCH))));
                if (ops.size() == 500 || i == count - 1) {
                    raw.transaction().forOperations(ops);
                    ops.clear();
                }
            }
        } finally {
            raw.close();
        }
    }
}
