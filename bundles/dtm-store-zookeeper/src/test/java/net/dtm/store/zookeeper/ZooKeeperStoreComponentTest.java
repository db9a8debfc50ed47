package net.dtm.store.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

import net.dtm.api.Pool;
import net.dtm.spi.cluster.Cluster;
import net.dtm.api.metrics.MetricSource;
import net.dtm.spi.store.DeviceStore;
import net.dtm.spi.store.EnrolmentKeyStore;
import net.dtm.spi.store.LeaseStore;
import net.dtm.spi.store.PoolWatch;
import net.dtm.spi.store.StoreBackup;
import net.dtm.spi.store.StoreUnavailableException;

/** The store selection and the hand-made registrations, with a recording BundleContext. */
class ZooKeeperStoreComponentTest {

    private static TestingServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = ZkTesting.server();
        // Load Curator's and ZooKeeper's classes (seconds on a busy machine) before anything is timed.
        ZkNode.open(ZkTesting.settings(server, ZkTesting.freshNamespace(), "warm-up")).close();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    /** One registerService call. */
    record Registration(List<String> classes, Object service, Map<String, Object> properties, boolean[] unregistered) {
    }

    private final List<Registration> registrations = Collections.synchronizedList(new ArrayList<>());

    private BundleContext context() {
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                (proxy, method, args) -> {
                    if (!method.getName().equals("registerService")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    List<String> classes = args[0] instanceof String[] names ? Arrays.asList(names)
                            : args[0] instanceof Class<?> c ? List.of(c.getName()) : List.of((String) args[0]);
                    Map<String, Object> props = new HashMap<>();
                    Dictionary<?, ?> d = (Dictionary<?, ?>) args[2];
                    for (Object k : Collections.list(d.keys())) {
                        props.put((String) k, d.get(k));
                    }
                    boolean[] gone = {false};
                    registrations.add(new Registration(classes, args[1], props, gone));
                    return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ServiceRegistration.class},
                            (p, m, a) -> {
                                if (m.getName().equals("unregister")) {
                                    gone[0] = true;
                                    return null;
                                }
                                throw new UnsupportedOperationException(m.getName());
                            });
                });
    }

    private static Map<String, Object> config(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void nothingIsRegisteredUnlessZooKeeperIsSelectedAndConfigured() {
        List<Map<String, Object>> idle = List.of(config(), config("type", " ", "connect", server.getConnectString(),
                        "auth.password", "pw"), config("type", "derby", "connect", server.getConnectString(),
                        "auth.password", "pw"), config("type", "mysql", "connect", server.getConnectString(), "auth.password", "pw"),
                config("type", "zookeeper", "auth.password", "pw"), config("type", "zookeeper", "connect", server.getConnectString()),
                config("type", "zookeeper", "connect", server.getConnectString(), "auth.password", "pw", "node.id", "bad/id"));
        for (Map<String, Object> c : idle) {
            ZooKeeperStoreComponent component = new ZooKeeperStoreComponent();
            component.activate(context(), c);
            assertEquals(List.of(), registrations, "registered with " + c);
            component.deactivate();
        }
    }

    @Test
    void zooKeeperModeRegistersStoreWatchAndClusterAndWithdrawsThemOnDeactivation() {
        ZooKeeperStoreComponent component = new ZooKeeperStoreComponent();
        component.activate(context(), config("type", " ZooKeeper ", "connect", server.getConnectString(), "auth.password", "pw",
                "namespace", ZkTesting.freshNamespace(), "node.id", " node-9 ", "site", "lab"));
        assertEquals(5, registrations.size(), registrations.toString());
        Registration cluster = registrations.get(0);
        assertEquals(List.of(Cluster.class.getName()), cluster.classes(), "the cluster first: the store's users find it there");
        assertEquals("zookeeper", cluster.properties().get(Cluster.PROP_CLUSTER_TYPE));
        assertEquals("node-9", ((Cluster) cluster.service()).nodeId());
        Registration leases = registrations.get(1);
        assertEquals(List.of(LeaseStore.class.getName(), PoolWatch.class.getName()), leases.classes());
        assertEquals("zookeeper", leases.properties().get(LeaseStore.PROP_STORE_TYPE));
        assertEquals(true, leases.properties().get(LeaseStore.PROP_STORE_CLUSTERED), "it brings its own cluster");
        Registration devices = registrations.get(2);
        assertEquals(List.of(DeviceStore.class.getName()), devices.classes());
        assertEquals("zookeeper", devices.properties().get(LeaseStore.PROP_STORE_TYPE));
        assertEquals(true, devices.properties().get(LeaseStore.PROP_STORE_CLUSTERED));
        Registration keys = registrations.get(3);
        assertEquals(List.of(EnrolmentKeyStore.class.getName()), keys.classes());
        assertEquals(devices.properties(), keys.properties(), "selected by the same filters as the device store");
        Registration operations = registrations.get(4);
        assertEquals(List.of(StoreBackup.class.getName(), MetricSource.class.getName()), operations.classes(),
                "backup and commit figures, registered only while the store serves");
        assertEquals(devices.properties(), operations.properties());
        assertTrue(operations.service() instanceof ZkOperations);
        EnrolmentKeyStore keyStore = (EnrolmentKeyStore) keys.service();
        assertEquals(List.of(), keyStore.list(), "the registered enrolment key store works");

        LeaseStore store = (LeaseStore) leases.service();
        store.createPool(Pool.of("p", "10.64.0.0/16", 3600));
        assertEquals(List.of("p"), store.pools().stream().map(Pool::name).toList());

        component.deactivate();
        assertTrue(registrations.stream().allMatch(r -> r.unregistered()[0]), "all withdrawn");
        assertThrows(StoreUnavailableException.class, store::pools, "the store is closed");
        assertThrows(StoreUnavailableException.class, keyStore::list, "the enrolment keys too");
    }

    @Test
    void anUnreachableEnsembleStillRegistersWithinTheConnectionTimeout() {
        ZooKeeperStoreComponent component = new ZooKeeperStoreComponent();
        long t0 = System.nanoTime();
        component.activate(context(), config("type", "zookeeper", "connect", "127.0.0.1:" + InstanceSpec.getRandomPort(),
                "auth.password", "pw", "connection.timeout.ms", "500", "namespace", ZkTesting.freshNamespace()));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        try {
            assertTrue(ms < 1500, "activation took " + ms + " ms");
            assertEquals(5, registrations.size(), "the store, its cluster and its operations");
            assertThrows(StoreUnavailableException.class, () -> ((EnrolmentKeyStore) registrations.get(3).service()).find("abcd"),
                    "unreachable: the enrolment keys fail as the devices do");
            assertThrows(StoreUnavailableException.class, () -> ((LeaseStore) registrations.get(1).service()).pools());
            assertEquals(false, ((Cluster) registrations.get(0).service()).isConnected());
        } finally {
            component.deactivate();
        }
    }
}
