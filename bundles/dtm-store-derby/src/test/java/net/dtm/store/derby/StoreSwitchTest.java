package net.dtm.store.derby;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.Pool;
import net.dtm.spi.cluster.Cluster;
import net.dtm.spi.store.DeviceStore;
import net.dtm.spi.store.LeaseStore;

/** The mode switch as the Derby component applies it, with a recorder in place of the framework. */
class StoreSwitchTest {

    @TempDir
    Path dir;

    /** What was registered and is still registered. */
    static final class Recorder implements DerbyStoreComponent.Registrar {
        final List<List<String>> registered = new ArrayList<>();
        final List<Map<String, Object>> properties = new ArrayList<>();
        final List<Object> services = new ArrayList<>();

        @Override
        public Runnable register(String[] classes, Object service, Map<String, Object> props) {
            List<String> names = List.of(classes);
            registered.add(names);
            properties.add(props);
            services.add(service);
            return () -> {
                int i = registered.indexOf(names);
                registered.remove(i);
                properties.remove(i);
                services.remove(i);
            };
        }
    }

    private DerbyStoreComponent.Config config(String nodeId) {
        String path = dir.resolve("data/derby").toString();
        return new DerbyStoreComponent.Config() {
            @Override public Class<? extends Annotation> annotationType() { return DerbyStoreComponent.Config.class; }
            @Override public String path() { return path; }
            @Override public String node_id() { return nodeId; }
        };
    }

    private static Map<String, Object> type(String t) {
        Map<String, Object> m = new HashMap<>();
        if (t != null) {
            m.put("type", t);
        }
        return m;
    }

    @Test
    void decisionPerType() {
        assertEquals(StoreSwitch.Decision.ACTIVE, StoreSwitch.decide("derby", type(null)));
        assertEquals(StoreSwitch.Decision.ACTIVE, StoreSwitch.decide("derby", type("  ")));
        assertEquals(StoreSwitch.Decision.ACTIVE, StoreSwitch.decide("derby", type(" Derby ")));
        assertEquals(StoreSwitch.Decision.ACTIVE, StoreSwitch.decide("derby", null));
        assertEquals(StoreSwitch.Decision.IDLE, StoreSwitch.decide("derby", type("zookeeper")));
        assertEquals(StoreSwitch.Decision.ACTIVE, StoreSwitch.decide("zookeeper", type("zookeeper")));
        assertEquals(StoreSwitch.Decision.IDLE, StoreSwitch.decide("zookeeper", type(null)));
        assertEquals(StoreSwitch.Decision.INVALID, StoreSwitch.decide("derby", type("zk")));
        assertEquals(StoreSwitch.Decision.INVALID, StoreSwitch.decide("zookeeper", type("zk")));
    }

    @Test
    void derbyTypeOrNoneRegistersClusterThenStoresAndUnregistersOnDeactivation() {
        for (String t : new String[] {null, "derby"}) {
            Recorder r = new Recorder();
            DerbyStoreComponent c = new DerbyStoreComponent(r, config("node-a"), type(t));
            try {
                assertTrue(c.isActive());
                assertEquals(List.of(List.of(Cluster.class.getName()),
                        List.of(LeaseStore.class.getName(), DeviceStore.class.getName())), r.registered);
                assertEquals(Map.of(Cluster.PROP_CLUSTER_TYPE, "standalone"), r.properties.get(0));
                assertEquals(Map.of(LeaseStore.PROP_STORE_TYPE, "derby"), r.properties.get(1));
                Cluster cluster = (Cluster) r.services.get(0);
                assertEquals("node-a", cluster.nodeId());
                LeaseStore store = (LeaseStore) r.services.get(1);
                store.createPool(Pool.of("p" + t, t == null ? "10.1.0.0/24" : "10.2.0.0/24", 60));
                assertTrue(store.pool("p" + t).isPresent(), "the registered store works");
            } finally {
                c.deactivate();
            }
            assertEquals(List.of(), r.registered, "everything unregistered");
        }
    }

    @Test
    void zookeeperTypeLeavesDerbyIdleWithoutOpeningADatabase() {
        Recorder r = new Recorder();
        DerbyStoreComponent c = new DerbyStoreComponent(r, config(""), type("zookeeper"));
        assertFalse(c.isActive());
        assertNull(c.cluster());
        assertEquals(List.of(), r.registered);
        assertFalse(Files.exists(dir.resolve("data/derby")), "no database created");
        c.deactivate(); // harmless
    }

    @Test
    void unknownTypeRegistersNothing() {
        Recorder r = new Recorder();
        DerbyStoreComponent c = new DerbyStoreComponent(r, config(""), type("mongo"));
        assertFalse(c.isActive());
        assertEquals(List.of(), r.registered);
        assertFalse(Files.exists(dir.resolve("data/derby")));
        c.deactivate();
    }

    @Test
    void drainingFlagOfAStandaloneNodeSurvivesItsRestart() {
        Recorder r = new Recorder();
        DerbyStoreComponent c = new DerbyStoreComponent(r, config("node-a"), type(null));
        try {
            assertTrue(c.cluster().setDraining("node-a", true));
        } finally {
            c.deactivate();
        }
        c = new DerbyStoreComponent(new Recorder(), config("node-a"), type(null));
        try {
            assertTrue(c.cluster().members().get(0).draining(), "drained across the restart");
            assertTrue(c.cluster().setDraining("node-a", false));
        } finally {
            c.deactivate();
        }
        c = new DerbyStoreComponent(new Recorder(), config("node-a"), type(null));
        try {
            assertFalse(c.cluster().members().get(0).draining());
        } finally {
            c.deactivate();
        }
    }

    @Test
    void blankNodeIdMeansTheHostName() {
        DerbyStoreComponent c = new DerbyStoreComponent(new Recorder(), config(" "), type(null));
        try {
            assertEquals(net.dtm.api.HostPort.localNodeId(), c.cluster().nodeId());
        } finally {
            c.deactivate();
        }
    }

    @Test
    void standaloneClusterIsOneLeaderAlwaysConnected() throws Exception {
        StandaloneCluster s = new StandaloneCluster("n1");
        int[] fired = {0};
        Runnable l = () -> fired[0]++;
        s.addListener(l);
        assertEquals("standalone", s.type());
        assertTrue(s.isLeader());
        assertTrue(s.isConnected());
        s.advertise(List.of(new InetSocketAddress("127.0.0.1", 47800)));
        s.publish(42);
        assertEquals(1, s.members().size());
        var m = s.members().get(0);
        assertEquals("n1", m.id());
        assertTrue(m.registered());
        assertTrue(m.leader());
        assertFalse(m.draining());
        assertEquals(42, m.leasesServed());
        assertEquals(List.of(new InetSocketAddress("127.0.0.1", 47800)), m.endpoints());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.setDraining("n2", true));
        assertTrue(e.getMessage().contains("no node n2"), e.getMessage());
        assertFalse(s.members().get(0).draining(), "a refused drain changes nothing");
        int before = fired[0];
        assertTrue(s.setDraining("n1", true));
        assertFalse(s.setDraining("n1", true), "already draining");
        assertTrue(s.members().get(0).draining());
        assertEquals(before + 1, fired[0], "listeners told once");
        s.removeListener(l);
        assertTrue(s.setDraining("n1", false));
        assertEquals(before + 1, fired[0]);
        assertThrows(IllegalArgumentException.class, () -> new StandaloneCluster(" "));
    }

    @Test
    void drainingFlagThatCannotBeWrittenFailsAndChangesNothing() throws Exception {
        Path blocker = dir.resolve("file");
        Files.writeString(blocker, "x");
        // the flag's folder is a regular file: it cannot be created
        StandaloneCluster s = new StandaloneCluster("n1", blocker.resolve("sub/node-draining"), java.time.Clock.systemUTC(), Map.of());
        var e = assertThrows(java.io.UncheckedIOException.class, () -> s.setDraining("n1", true));
        assertTrue(e.getMessage().contains("draining flag"), e.getMessage());
        assertFalse(s.members().get(0).draining());
    }
}
