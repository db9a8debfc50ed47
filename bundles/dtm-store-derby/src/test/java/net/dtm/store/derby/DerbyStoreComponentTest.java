package net.dtm.store.derby;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.Pool;
import net.dtm.api.metrics.MetricSource;
import net.dtm.spi.store.DeviceStore;
import net.dtm.spi.store.EnrolmentKeyStore;
import net.dtm.spi.store.LeaseStore;
import net.dtm.spi.store.StoreBackup;

/** The store selection as the Derby component applies it, with a recorder in place of the framework. */
class DerbyStoreComponentTest {

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

    private DerbyStoreComponent.Config config() {
        return config(dir.resolve("data/derby").toString(), "");
    }

    static DerbyStoreComponent.Config config(String path, String keyFile) {
        return config(path, keyFile, 5000);
    }

    static DerbyStoreComponent.Config config(String path, String keyFile, long commitTimeoutMs) {
        return new DerbyStoreComponent.Config() {
            @Override public Class<? extends Annotation> annotationType() { return DerbyStoreComponent.Config.class; }
            @Override public String path() { return path; }
            @Override public String encryption_key_file() { return keyFile; }
            @Override public long commit_timeout_ms() { return commitTimeoutMs; }
        };
    }

    @Test
    void aCommitTimeoutBelowOneMillisecondIsRefusedAndNothingIsOpened() {
        Recorder r = new Recorder();
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new DerbyStoreComponent(r, config(dir.resolve("data/derby").toString(), "", 0), type("derby")));
        assertTrue(e.getMessage().contains("net.dtm.store.derby: commit.timeout.ms must be at least 1, got 0"), e.getMessage());
        assertTrue(!dir.resolve("data/derby").toFile().exists(), "no database opened");
    }

    private static Map<String, Object> type(String t) {
        Map<String, Object> m = new HashMap<>();
        if (t != null) {
            m.put("type", t);
        }
        return m;
    }

    @Test
    void derbyTypeOrNoneRegistersTheStoresUnclusteredAndUnregistersOnDeactivation() {
        for (String t : new String[] {null, "derby", " Derby ", "  "}) {
            Recorder r = new Recorder();
            DerbyStoreComponent c = new DerbyStoreComponent(r, config(), type(t));
            try {
                assertTrue(c.isActive());
                assertEquals(List.of(List.of(LeaseStore.class.getName(), DeviceStore.class.getName()),
                        List.of(EnrolmentKeyStore.class.getName()),
                        List.of(StoreBackup.class.getName(), MetricSource.class.getName())), r.registered,
                        "the stores and their operations only: the standalone cluster is a component of its own");
                Map<String, Object> expected = Map.of(LeaseStore.PROP_STORE_TYPE, "derby", LeaseStore.PROP_STORE_CLUSTERED, false,
                        LeaseStore.PROP_STORE_DATA_DIR, dir.resolve("data").toAbsolutePath().normalize().toString());
                assertEquals(expected, r.properties.get(0), "the data folder: the database's parent, where node-local state goes");
                assertEquals(expected, r.properties.get(1), "the enrolment keys: selected by the same filters");
                assertEquals(expected, r.properties.get(2), "the operations: selected by the same filters");
                assertTrue(r.services.get(2) instanceof DerbyOperations, "backup and commit figures of this store");
                LeaseStore store = (LeaseStore) r.services.get(0);
                String name = "p" + r.hashCode();
                store.createPool(Pool.of(name, "10.1.0.0/24", 60));
                assertTrue(store.pool(name).isPresent(), "the registered store works");
                EnrolmentKeyStore keys = (EnrolmentKeyStore) r.services.get(1);
                assertEquals(List.of(), keys.list(), "the registered enrolment key store works");
            } finally {
                c.deactivate();
            }
            assertEquals(List.of(), r.registered, "everything unregistered");
        }
    }

    @Test
    void anyOtherTypeLeavesDerbyIdleWithoutOpeningADatabase() {
        for (String t : new String[] {"zookeeper", "mongo"}) {
            Recorder r = new Recorder();
            DerbyStoreComponent c = new DerbyStoreComponent(r, config(), type(t));
            assertFalse(c.isActive());
            assertEquals(List.of(), r.registered);
            assertFalse(Files.exists(dir.resolve("data/derby")), "no database created");
            c.deactivate(); // harmless
        }
    }

    @Test
    void anOldNodeIdIsNoReasonNotToStart() {
        Map<String, Object> props = type(null);
        props.put("node.id", "node-a"); // moved to net.dtm.cluster.standalone: warned about, not used
        Recorder r = new Recorder();
        DerbyStoreComponent c = new DerbyStoreComponent(r, config(), props);
        try {
            assertTrue(c.isActive());
            assertEquals(3, r.registered.size());
        } finally {
            c.deactivate();
        }
    }
}
