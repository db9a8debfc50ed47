package net.dtm.testkit.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.apache.curator.framework.CuratorFramework;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.Pool;
import net.dtm.store.zookeeper.ZkNode;
import net.dtm.store.zookeeper.ZkSettings;
import net.dtm.store.zookeeper.ZkStore;

/**
 * The harness's own client of the cluster's store, not a node (it registers nothing): creates the
 * pool and enrolls the devices before the nodes start, and reads every lease afterwards for the
 * checker. Same namespace and digest credential as the nodes.
 */
public final class StoreClient implements AutoCloseable {

    private final CuratorFramework client;
    private final ZkStore store;

    /** Connects to {@code ensemble} as user {@value Ensemble#USER} with its password; waits for the connection. */
    public StoreClient(Ensemble ensemble) throws InterruptedException {
        this(ensemble.connectString(), ensemble.password());
    }

    /** Connects to the peers of {@code connect} (one peer alone reads what that peer holds). */
    public StoreClient(String connect, String password) throws InterruptedException {
        ZkSettings settings = ZkSettings.of(connect, password, "harness").withTimeouts(10_000, 5_000);
        this.client = ZkNode.newClient(settings);
        client.start();
        if (!client.blockUntilConnected(10, TimeUnit.SECONDS)) {
            client.close();
            throw new IllegalStateException("harness cannot connect to ZooKeeper at " + connect);
        }
        this.store = new ZkStore(client, 10_000);
    }

    /** Whether node {@code nodeId} is registered now (its ephemeral {@code /nodes/<id>} exists, read after a sync). */
    public boolean registered(String nodeId) throws Exception {
        client.sync().forPath("/nodes");
        return client.checkExists().forPath("/nodes/" + nodeId) != null;
    }

    public ZkStore store() {
        return store;
    }

    /** Creates {@code pool} unless a pool of that name exists. */
    public void ensurePool(Pool pool) {
        if (store.pool(pool.name()).isEmpty()) {
            store.createPool(pool);
        }
    }

    /** Enrolls {@code devices} with the keys {@code keyOf} gives, from {@code threads} threads. */
    public void enroll(List<DeviceId> devices, Function<DeviceId, byte[]> keyOf, int threads) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> parts = new ArrayList<>();
            int step = (devices.size() + threads - 1) / threads;
            for (int from = 0; from < devices.size(); from += step) {
                List<DeviceId> part = devices.subList(from, Math.min(devices.size(), from + step));
                parts.add(pool.submit(() -> {
                    for (DeviceId d : part) {
                        store.add(new DeviceCredential(d, keyOf.apply(d), java.time.Instant.now()));
                    }
                }));
            }
            for (Future<?> f : parts) {
                f.get(5, TimeUnit.MINUTES);
            }
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("enrolment failed: " + e, e);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Every binding of {@code pool}, read after a ZooKeeper {@code sync}: the peer this client reads
     * from has then caught up with the leader, so the read sees every write acknowledged before it
     * (ZooKeeper's reads are otherwise only sequentially consistent per client).
     */
    public List<Lease> leases(String pool) throws InterruptedException {
        java.util.concurrent.CountDownLatch synced = new java.util.concurrent.CountDownLatch(1);
        try {
            client.getZookeeperClient().getZooKeeper().sync("/", (rc, path, ctx) -> synced.countDown(), null);
        } catch (Exception e) {
            throw new IllegalStateException("cannot sync with the ZooKeeper leader: " + e, e);
        }
        if (!synced.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("ZooKeeper sync not answered within 10 s");
        }
        return store.leases(pool);
    }

    @Override
    public void close() {
        try {
            store.close();
        } finally {
            client.close();
        }
    }
}
