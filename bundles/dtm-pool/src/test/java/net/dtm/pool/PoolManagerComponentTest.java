package net.dtm.pool;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.LeaseEvent;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.store.derby.DerbyStore;

/** Activates the DS component by hand, as SCR would, and reads the DS and metatype descriptions bnd wrote. */
class PoolManagerComponentTest {

    @TempDir
    Path dir;

    private DerbyStore derby;
    private PoolManagerComponent component;

    private static PoolManagerComponent.Config config() {
        return config(0, 0);
    }

    private static PoolManagerComponent.Config config(int quarantineSeconds, long maxClockSkewMs) {
        return new PoolManagerComponent.Config() {
            @Override public Class<? extends Annotation> annotationType() { return PoolManagerComponent.Config.class; }
            @Override public int lock_seconds() { return 30; }
            @Override public double renew_write_threshold() { return 0.5; }
            @Override public int quarantine_seconds() { return quarantineSeconds; }
            @Override public long max_clock_skew_ms() { return maxClockSkewMs; }
            @Override public String utilisation_warn_percent() { return "80,90"; }
            @Override public int sweep_seconds() { return 3600; }
        };
    }

    @BeforeEach
    void activate() {
        derby = new DerbyStore(dir.resolve("db"));
        component = new PoolManagerComponent(derby, new TestCluster("node-c", "standalone"), config(), Map.of());
    }

    @AfterEach
    void deactivate() {
        component.deactivate();
        derby.close();
    }

    @Test
    void theNodeIdIsTheClustersAndEveryCallReachesTheManager() {
        assertEquals("node-c", component.manager().nodeId());
        assertEquals(Duration.ZERO, component.manager().settings().quarantine());
        component.createPool(Pool.of("p", "10.1.0.0/29", 3600));
        DeviceId d = DeviceId.of("d1");
        Lease offered = component.allocate("p", d);
        assertEquals("node-c", offered.nodeId());
        Lease bound = component.confirm("p", d, offered.address(), offered.sequence());
        assertEquals(LeaseState.BOUND, bound.state());
        assertEquals(bound, component.renew("p", d, bound.address(), bound.sequence()), "lease cache: nothing to write");
        assertTrue(component.release("p", d, bound.address(), bound.sequence()));
        assertEquals(LeaseState.RELEASED, component.lease("p", d).orElseThrow().state());
        assertEquals(List.of("p"), component.pools().stream().map(Pool::name).toList());
    }

    @Test
    void leaseListenersHearOfReclaimedBindings() {
        List<LeaseEvent> heard = new CopyOnWriteArrayList<>();
        component.addLeaseListener(heard::add);
        component.createPool(Pool.of("p", "10.1.0.0/29", 3600));
        component.allocate("p", DeviceId.of("d1"));
        component.release("p", DeviceId.of("d1"));
        assertEquals(1, component.manager().sweep(), "quarantine 0: reclaimed at once");
        await().atMost(Duration.ofSeconds(10)).until(() -> heard.size() == 1);
        assertEquals(LeaseEvent.Type.RECLAIMED, heard.get(0).type());
        assertEquals(DeviceId.of("d1"), heard.get(0).lease().device());
    }

    private static Element xml(String file) throws Exception {
        Path path = Path.of("target/classes/OSGI-INF").resolve(file);
        assertTrue(Files.exists(path), "bnd wrote " + path);
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(path.toFile()).getDocumentElement();
    }

    private static Element named(NodeList nodes, String attribute, String value) {
        for (int i = 0; i < nodes.getLength(); i++) {
            Element e = (Element) nodes.item(i);
            if (e.getAttribute(attribute).equals(value)) {
                return e;
            }
        }
        return null;
    }

    @Test
    void storeAndClusterAreMandatoryStaticReferencesAndStoreTargetSelectsTheStore() throws Exception {
        Element component = xml("net.dtm.pool.PoolManagerComponent.xml");
        NodeList references = component.getElementsByTagName("reference");
        Element store = named(references, "name", "store");
        Element cluster = named(references, "name", "cluster");
        // DS reads "<reference name>.target" as the reference's target filter: store.target.
        assertEquals("net.dtm.spi.store.LeaseStore", store.getAttribute("interface"));
        assertEquals("net.dtm.spi.cluster.Cluster", cluster.getAttribute("interface"));
        for (Element mandatoryStatic : List.of(store, cluster)) {
            assertEquals("", mandatoryStatic.getAttribute("cardinality"), "default 1..1");
            assertEquals("", mandatoryStatic.getAttribute("policy"), "default static");
        }
        assertEquals("greedy", cluster.getAttribute("policy-option"));
        assertEquals(null, named(component.getElementsByTagName("property"), "name", "node.id"), "no node.id property");

        Element metatype = xml("metatype/net.dtm.pool.PoolManagerComponent$Config.xml");
        assertEquals(null, named(metatype.getElementsByTagName("AD"), "id", "node.id"), "node.id is not configurable");
        Element ocd = (Element) metatype.getElementsByTagName("OCD").item(0);
        assertTrue(ocd.getAttribute("description").contains("store.target"), ocd.getAttribute("description"));
        assertFalse(ocd.getAttribute("description").isBlank());
    }

    @Test
    void aFailedActivationLeavesNoListenerOnTheStore() {
        java.util.List<Object> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
        Object store = java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {net.dtm.spi.store.LeaseStore.class, net.dtm.spi.store.PoolWatch.class}, (proxy, m, args) -> {
                    switch (m.getName()) {
                        case "addPoolListener" -> listeners.add(args[0]);
                        case "removePoolListener" -> listeners.remove(args[0]);
                        case "pools" -> throw new IllegalStateException("pool row 7 cannot be read");
                        case "hashCode" -> { return System.identityHashCode(proxy); }
                        case "equals" -> { return proxy == args[0]; }
                        case "toString" -> { return "broken store"; }
                        default -> throw new UnsupportedOperationException(m.getName());
                    }
                    return null;
                });
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> new PoolManagerComponent((net.dtm.spi.store.LeaseStore) store, new TestCluster("node-c", "standalone"),
                        config(), Map.of()));
        assertEquals("pool row 7 cannot be read", e.getMessage());
        assertTrue(listeners.isEmpty(), "listeners left on the store: " + listeners);
    }

    @Test
    void aQuarantineBelowTwiceTheClockSkewBoundIsRefusedNamingBothKeys() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PoolManagerComponent.settings(config(3, 2000)));
        assertTrue(e.getMessage().startsWith("net.dtm.pool (quarantine.seconds=3, max.clock.skew.ms=2000): quarantine of 3000 ms"
                + " is below its floor of 4000 ms, twice the clock skew bound"), e.getMessage());
        assertEquals(Duration.ofSeconds(4), PoolManagerComponent.settings(config(4, 2000)).quarantine());
        assertEquals(Duration.ofSeconds(2), PoolManagerComponent.settings(config(600, 2000)).maxClockSkew());
    }
}
