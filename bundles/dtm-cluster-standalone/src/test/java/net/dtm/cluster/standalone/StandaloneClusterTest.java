package net.dtm.cluster.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What is particular to the cluster of one, beyond the contract ({@link StandaloneClusterContractTest}). */
class StandaloneClusterTest {

    @TempDir
    Path dir;

    @Test
    void standaloneClusterIsOneLeaderAlwaysConnected() {
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
        assertThrows(IllegalArgumentException.class, () -> new StandaloneCluster("a/b"), "the node id rules apply");
        assertEquals("n1", new StandaloneCluster(" n1 ").nodeId(), "trimmed");
    }

    @Test
    void drainingFlagThatCannotBeWrittenFailsAndChangesNothing() throws Exception {
        Path blocker = dir.resolve("file");
        Files.writeString(blocker, "x");
        // the flag's folder is a regular file: it cannot be created
        StandaloneCluster s = new StandaloneCluster("n1", blocker.resolve("sub/node-draining"), Clock.systemUTC(), Map.of());
        var e = assertThrows(UncheckedIOException.class, () -> s.setDraining("n1", true));
        assertTrue(e.getMessage().contains("draining flag"), e.getMessage());
        assertFalse(s.members().get(0).draining());
    }

    @Test
    void theFlagIsAFileBesideNothingElseAndStatusNamesIt() {
        Path file = dir.resolve("dtm/node-draining");
        StandaloneCluster s = new StandaloneCluster("n1", file, Clock.systemUTC(), Map.of("store", "derby"));
        assertTrue(s.setDraining("n1", true));
        assertTrue(Files.exists(file), "drained: the file exists");
        assertTrue(s.setDraining("n1", false));
        assertFalse(Files.exists(file), "undrained: the file is gone");
        assertEquals(Map.of("store", "derby", "draining.flag", file.toString()), s.status());
        assertEquals("in memory", new StandaloneCluster("n1").status().get("draining.flag"));
    }
}
