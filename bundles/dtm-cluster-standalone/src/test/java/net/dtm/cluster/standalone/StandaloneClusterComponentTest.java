package net.dtm.cluster.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.HostPort;
import net.dtm.spi.cluster.Cluster;
import net.dtm.spi.store.LeaseStore;

/** The component's configuration: node id, draining file and the store it serves beside. */
class StandaloneClusterComponentTest {

    @TempDir
    Path dir;

    private static StandaloneClusterComponent.Config config(String nodeId, String drainingFile) {
        return new StandaloneClusterComponent.Config() {
            @Override public Class<? extends Annotation> annotationType() { return StandaloneClusterComponent.Config.class; }
            @Override public String node_id() { return nodeId; }
            @Override public String draining_file() { return drainingFile; }
            @Override public String store_target() { return StandaloneClusterComponent.STORE_TARGET; }
        };
    }

    private static final Map<String, Object> DERBY = Map.of(LeaseStore.PROP_STORE_TYPE, "derby");

    @Test
    void theDefaultStoreTargetIsAnyStoreThatBringsNoCluster() {
        assertEquals("(!(dtm.store.clustered=true))", StandaloneClusterComponent.STORE_TARGET);
    }

    @Test
    void nodeIdIsTheConfiguredOneTrimmedElseTheHostName() {
        String data = dir.toString();
        assertEquals("node-a", new StandaloneClusterComponent(config(" node-a ", ""), DERBY, data).nodeId());
        assertEquals(HostPort.localNodeId(), new StandaloneClusterComponent(config("", ""), DERBY, data).nodeId());
        assertEquals(HostPort.localNodeId(), new StandaloneClusterComponent(config(null, ""), DERBY, data).nodeId());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new StandaloneClusterComponent(config("a/b", ""), DERBY, data));
        assertTrue(e.getMessage().startsWith("node.id 'a/b'"), e.getMessage());
    }

    @Test
    void drainingFileDefaultsToWhereTheDerbyStoreKeptIt() {
        Path data = dir.resolve("data");
        assertEquals(data.resolve("dtm/node-draining").toAbsolutePath(),
                StandaloneClusterComponent.drainingFile("", data.toString()));
        assertEquals(data.resolve("dtm/node-draining").toAbsolutePath(),
                StandaloneClusterComponent.drainingFile(null, data.toString()));
        assertEquals(data.resolve("x/flag").toAbsolutePath(),
                StandaloneClusterComponent.drainingFile(" ${karaf.data}/x/flag ", data.toString()));
        assertEquals(Path.of("./data/dtm/node-draining").toAbsolutePath().normalize(),
                StandaloneClusterComponent.drainingFile("", null), "outside Karaf: ./data");
        assertEquals(dir.resolve("elsewhere").toAbsolutePath(),
                StandaloneClusterComponent.drainingFile(dir.resolve("elsewhere").toString(), data.toString()));
    }

    @Test
    void withoutAConfiguredFileTheFlagLivesBesideTheStoresData() {
        // a Derby database at a custom path kept its flag beside it: an upgraded drained node stays drained
        Path custom = dir.resolve("srv/dtm");
        assertEquals(custom.resolve("node-draining").toAbsolutePath(),
                StandaloneClusterComponent.drainingFile("", custom.toString(), dir.resolve("data").toString()));
        assertEquals(dir.resolve("elsewhere").toAbsolutePath(), StandaloneClusterComponent.drainingFile(
                dir.resolve("elsewhere").toString(), custom.toString(), null), "a configured file wins");
        assertEquals(dir.resolve("data/dtm/node-draining").toAbsolutePath(),
                StandaloneClusterComponent.drainingFile("", null, dir.resolve("data").toString()), "a store without a data folder");
    }

    @Test
    void aDrainedNodeStaysDrainedAcrossRestartsOfTheComponent() {
        String data = dir.toString();
        Cluster c = new StandaloneClusterComponent(config("node-a", ""), DERBY, data);
        assertTrue(c.setDraining("node-a", true));
        assertTrue(Files.exists(dir.resolve("dtm/node-draining")), "the same file as the Derby store used");

        c = new StandaloneClusterComponent(config("node-a", ""), DERBY, data);
        assertTrue(c.members().get(0).draining(), "drained across the restart");
        assertTrue(c.setDraining("node-a", false));

        c = new StandaloneClusterComponent(config("node-a", ""), DERBY, data);
        assertFalse(c.members().get(0).draining());
    }

    @Test
    void statusNamesTheStoreAndTheFlag() {
        Cluster c = new StandaloneClusterComponent(config("node-a", dir.resolve("f").toString()), DERBY, dir.toString());
        assertEquals(Map.of("store", "derby", "draining.flag", dir.resolve("f").toString()), c.status());
        assertEquals("standalone", c.type());
    }
}
