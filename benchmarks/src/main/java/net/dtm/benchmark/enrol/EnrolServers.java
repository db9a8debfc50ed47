package net.dtm.benchmark.enrol;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;

import net.dtm.api.DeviceCredential;
import net.dtm.api.EnrolmentService;
import net.dtm.api.Pool;
import net.dtm.pool.PoolManager;
import net.dtm.pool.PoolSettings;
import net.dtm.server.internal.DeviceManager;
import net.dtm.server.internal.EnrolmentManager;
import net.dtm.server.node.ServerNode;
import net.dtm.spi.cluster.Cluster;
import net.dtm.spi.store.DeviceStore;
import net.dtm.spi.store.EnrolmentKeyStore;
import net.dtm.spi.store.LeaseStore;
import net.dtm.store.derby.DerbyStore;
import net.dtm.store.zookeeper.ZkNode;
import net.dtm.store.zookeeper.ZkSettings;

/**
 * The server side of the fleet benchmark, in this JVM: the very {@link ServerNode} the distribution
 * runs, with zero-touch enrolment on, over embedded Derby (one standalone node) or over a ZooKeeper
 * ensemble of three in-process peers (three nodes, one per peer, each with its own session).
 */
final class EnrolServers implements AutoCloseable {

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final List<InetSocketAddress> endpoints = new ArrayList<>();
    private final List<ServerNode> nodes = new ArrayList<>();
    private EnrolmentService enrolment;
    private DeviceStore deviceStore;

    private EnrolServers() {
    }

    /** One standalone node on a Derby store in {@code dir}. */
    static EnrolServers standalone(Path dir, String pool, double[] limits) throws IOException {
        EnrolServers s = new EnrolServers();
        try {
            DerbyStore store = new DerbyStore(dir.resolve("db"));
            s.closing.add(store);
            s.node(store, store, store.enrolmentKeys(), null, "standalone", pool, limits);
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** {@code n} nodes over an ensemble of {@code n} ZooKeeper peers. */
    static EnrolServers cluster(Path dir, int n, String pool, double[] limits) throws Exception {
        EnrolServers s = new EnrolServers();
        try {
            TestingCluster ensemble = new TestingCluster(n);
            s.closing.add(ensemble);
            ensemble.start();
            List<InstanceSpec> peers = new ArrayList<>(ensemble.getInstances());
            for (int i = 0; i < n; i++) {
                ZkSettings settings = ZkSettings.of(peers.get(i).getConnectString(), "fleet-benchmark", "node-" + (i + 1));
                ZkNode zk = ZkNode.open(settings);
                s.closing.add(zk);
                s.node(zk.store(), zk.store(), zk.store().enrolmentKeys(), zk.cluster(), "node-" + (i + 1), pool, limits);
            }
            return s;
        } catch (Exception e) {
            s.close();
            throw e;
        }
    }

    private <T extends LeaseStore & DeviceStore> void node(T store, DeviceStore devices, EnrolmentKeyStore keys,
                                                           Cluster cluster, String id, String pool, double[] limits)
            throws IOException {
        PoolManager pools = new PoolManager(store, cluster == null ? id : null, Clock.systemUTC(), PoolSettings.DEFAULTS,
                cluster);
        closing.add(pools::close);
        if (pools.pool(pool).isEmpty()) {
            pools.createPool(Pool.of(pool, "10.64.0.0/12", 3600));
        }
        DeviceManager registry = new DeviceManager(devices);
        closing.add(registry);
        ServerNode.Builder config = ServerNode.Config.defaults().toBuilder()
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .defaultPool(pool)
                .heartbeatPeriod(Duration.ofSeconds(2));
        if (cluster == null) {
            config.nodeId(id);
        }
        if (limits != null) {
            config.enrolLimits(limits[0], (int) limits[1], limits[2], (int) limits[3]);
        }
        ServerNode node = ServerNode.start(config.build(), pools, registry, cluster, new ServerNode.Enrolment(keys, devices));
        closing.add(node);
        nodes.add(node);
        endpoints.add(node.localAddress());
        if (enrolment == null) {
            enrolment = new EnrolmentManager(keys, pools, Clock.systemUTC());
            deviceStore = devices;
        }
    }

    /**
     * Waits until every node serves (provisioned, connected to its store's quorum, its membership
     * known), as an operator waits for a cluster to come up before the fleet is switched on.
     *
     * @throws IllegalStateException if that takes longer than {@code within}
     */
    void awaitServing(Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        for (ServerNode node : nodes) {
            while (!node.provisioned() || node.clusterView().degraded()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("node " + node.nodeId() + " not serving after " + within);
                }
                Thread.sleep(50);   // polling the node's state: it offers no notification of it
            }
        }
    }

    /** The nodes' counters added up, e.g. {@code enrol.granted}, {@code dropped.enrol-rate}. */
    java.util.Map<String, Long> counters() {
        java.util.Map<String, Long> sum = new java.util.TreeMap<>();
        for (ServerNode node : nodes) {
            node.counters().forEach((k, v) -> sum.merge(k, v, Long::sum));
        }
        return sum;
    }

    /** Where the routers send. */
    List<InetSocketAddress> endpoints() {
        return endpoints;
    }

    /** The operator's enrolment keys (through the first node). */
    EnrolmentService enrolment() {
        return enrolment;
    }

    /** Every device in the store. */
    List<DeviceCredential> devices() {
        return deviceStore.list();
    }

    @Override
    public void close() {
        for (int i = closing.size() - 1; i >= 0; i--) {
            try {
                closing.get(i).close();
            } catch (Exception e) {
                System.err.println("closing: " + e);
            }
        }
    }
}
