package net.dtm.spi.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import net.dtm.api.HostPort;

class NodeIdsTest {

    @Test
    void configuredIdIsTrimmedAndBlankMeansTheHostName() {
        assertEquals("node-a", NodeIds.resolve(" node-a ", "node.id"));
        assertEquals("a.b_c-1", NodeIds.resolve("a.b_c-1", "node.id"));
        assertEquals(HostPort.localNodeId(), NodeIds.resolve(null, "node.id"));
        assertEquals(HostPort.localNodeId(), NodeIds.resolve("   ", "node.id"));
        assertTrue(NodeIds.isValid(NodeIds.resolve("", "node.id")));
    }

    @Test
    void invalidIdsAreRefusedNamingTheSetting() {
        for (String bad : new String[] {"a/b", ".", "..", "x".repeat(65), "with space", "ü"}) {
            assertFalse(NodeIds.isValid(bad), bad);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NodeIds.resolve(bad, "node.id"));
            assertEquals("node.id '" + bad.trim() + "': expected 1-64 characters of A-Z a-z 0-9 . _ -", e.getMessage());
        }
        assertTrue(NodeIds.isValid("x".repeat(64)));
        assertTrue(NodeIds.isValid("..."));
        assertFalse(NodeIds.isValid(null));
        assertFalse(NodeIds.isValid(""));
    }

    @Test
    void aNodeIdLeftInAConsumersConfigurationIsReportedAsNoLongerRead() {
        assertTrue(NodeIds.movedKeyWarning("net.dtm.pool", java.util.Map.of("lock.seconds", 30), "node-c").isEmpty());
        assertTrue(NodeIds.movedKeyWarning("net.dtm.pool", null, "node-c").isEmpty());
        assertTrue(NodeIds.movedKeyWarning("net.dtm.pool", java.util.Map.of("node.id", " "), "node-c").isEmpty(), "blank: nothing set");
        String warning = NodeIds.movedKeyWarning("net.dtm.pool", java.util.Map.of("node.id", "old-name"), "node-c").orElseThrow();
        assertEquals("net.dtm.pool node.id = 'old-name' is no longer read: the node id is the cluster's, 'node-c' (set node.id "
                + "in net.dtm.cluster.standalone for a standalone node, in net.dtm.store.zookeeper for a cluster node, and "
                + "remove it from net.dtm.pool)", warning);
    }
}
