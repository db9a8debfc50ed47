package net.dtm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import net.dtm.api.ClusterService;
import net.dtm.api.DtmException;
import net.dtm.api.DtmException.Reason;
import net.dtm.api.NodeInfo;
import net.dtm.api.NodeState;

class NodeCommandsTest extends PoolTestSupport {

    static final Instant SEEN = Instant.parse("2030-01-01T08:59:58Z");

    /** A cluster service over a list of nodes; can be made to fail like a lost quorum. */
    static final class Cluster implements ClusterService {
        final List<NodeInfo> nodes = new ArrayList<>();
        final List<String> changes = new ArrayList<>();
        boolean storeDown;

        Cluster add(String id, String site, NodeState state, boolean leader, long served, int port) {
            nodes.add(new NodeInfo(id, site, List.of(new InetSocketAddress("127.0.0.1", port)), state, leader, served, SEEN));
            return this;
        }

        @Override public String mode() { return "zookeeper"; }
        @Override public NodeInfo local() { return nodes.get(0); }
        @Override public List<NodeInfo> nodes() { return List.copyOf(nodes); }
        @Override public Optional<NodeInfo> node(String id) { return nodes.stream().filter(n -> n.id().equals(id)).findFirst(); }

        @Override
        public Map<String, String> status() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("mode", "zookeeper");
            m.put("node", "n1");
            m.put("servers.pushed", "127.0.0.1:47800,127.0.0.1:47801");
            return m;
        }

        /** As the node directory: the last active node is not drained unless forced. */
        @Override
        public boolean setDraining(String id, boolean draining, boolean force) {
            if (storeDown) {
                throw new DtmException(Reason.STORE_UNAVAILABLE, "cannot drain node " + id + ": store unavailable");
            }
            NodeInfo n = node(id).orElseThrow(() -> new IllegalArgumentException("no node " + id));
            if (draining && !force && n.state() == NodeState.ACTIVE
                    && nodes.stream().filter(o -> o.state() == NodeState.ACTIVE).count() <= 1) {
                throw new LastActiveNodeException(id);
            }
            NodeState target = draining ? NodeState.DRAINING : NodeState.ACTIVE;
            if ((n.state() == NodeState.DRAINING) == draining) {
                return false;
            }
            nodes.set(nodes.indexOf(n), new NodeInfo(n.id(), n.site(), n.endpoints(), target, n.leader(), n.leasesServed(), n.lastSeen()));
            changes.add(id + "=" + draining);
            return true;
        }
    }

    private final Cluster cluster = new Cluster()
            .add("n1", "east", NodeState.ACTIVE, true, 120, 47800)
            .add("n2", "west", NodeState.ACTIVE, false, 80, 47801)
            .add("n3", "east", NodeState.DOWN, false, 5, 47802);

    private <T extends NodeCommand> T wired(T c) {
        return wire(c);
    }

    @Test
    void listShowsEveryNodeWithItsStateAndFigures() throws Exception {
        NodeListCommand c = wired(new NodeListCommand());
        c.cluster = cluster;
        c.execute();
        assertContains(output().lines().findFirst().orElseThrow(), "Node", "Site", "State", "Leader", "Leases served", "Last seen");
        assertTrue(line("n1").matches(".*n1 \\* +\\| east +\\| active +\\| yes +\\| +120 \\| 2030-01-01 08:59:58Z \\| 127\\.0\\.0\\.1:47800.*"),
                line("n1"));
        assertContains(line("n3"), "down", "east", "47802");
        assertContains(line("n2"), "west", "active", "80");
        assertContains(output(), "* this node (zookeeper)");
    }

    @Test
    void listJson() throws Exception {
        NodeListCommand c = wired(new NodeListCommand());
        c.cluster = new Cluster().add("n1", "", NodeState.DEGRADED, false, 3, 47800);
        c.json = true;
        c.execute();
        assertEquals("[{\"node\":\"n1\",\"site\":\"\",\"state\":\"degraded\",\"leader\":false,\"leasesServed\":3,"
                + "\"lastSeen\":\"2030-01-01 08:59:58Z\",\"endpoints\":[\"127.0.0.1:47800\"]}]", output().trim());
    }

    @Test
    void withoutTheServiceEveryNodeCommandSaysSo() {
        assertContains(refused(wired(new NodeListCommand()), "The cluster service"), "not available", "dtm-server");
        refused(wired(new NodeStatusCommand()), "The cluster service");
        NodeDrainCommand d = wired(new NodeDrainCommand());
        d.node = "n1";
        refused(d, "The cluster service");
    }

    @Test
    void statusTableAndJson() throws Exception {
        NodeStatusCommand c = wired(new NodeStatusCommand());
        c.cluster = cluster;
        c.execute();
        assertContains(line("servers.pushed"), "127.0.0.1:47800,127.0.0.1:47801");
        assertContains(line("mode"), "zookeeper");
        buffer.reset();
        c.json = true;
        c.execute();
        assertEquals("{\"mode\":\"zookeeper\",\"node\":\"n1\",\"servers.pushed\":\"127.0.0.1:47800,127.0.0.1:47801\"}",
                output().trim());
    }

    @Test
    void drainAndUndrain() throws Exception {
        NodeDrainCommand d = wired(new NodeDrainCommand());
        d.cluster = cluster;
        d.node = "n2";
        d.execute();
        assertContains(output(), "Node n2 draining", "next renewal");
        assertEquals(NodeState.DRAINING, cluster.node("n2").orElseThrow().state());
        d.execute();
        assertContains(output(), "Node n2 was already draining");

        NodeUndrainCommand u = wired(new NodeUndrainCommand());
        u.cluster = cluster;
        u.node = "n2";
        u.execute();
        assertContains(output(), "Node n2 takes new devices again");
        u.execute();
        assertContains(output(), "Node n2 was not draining");
        assertEquals(List.of("n2=true", "n2=false"), cluster.changes);
    }

    @Test
    void drainRefusesTheLastActiveNodeUnlessForced() throws Exception {
        cluster.setDraining("n2", true);
        cluster.changes.clear();
        NodeDrainCommand d = wired(new NodeDrainCommand());
        d.cluster = cluster;
        d.node = "n1";
        String m = refused(d, "Node not drained: n1 is the last active node");
        assertEquals("Node not drained: n1 is the last active node: no node would take new devices; use --force to "
                + "drain it anyway", m);
        assertEquals(List.of(), cluster.changes);
        d.force = true;
        d.execute();
        assertEquals(List.of("n1=true"), cluster.changes);
    }

    @Test
    void unknownNodeAndLostStoreAreOneLineErrorsThatChangeNothing() {
        NodeDrainCommand d = wired(new NodeDrainCommand());
        d.cluster = cluster;
        d.node = "nope";
        assertEquals("Node not drained: no node named 'nope'", refused(d, "Node not drained"));
        NodeUndrainCommand u = wired(new NodeUndrainCommand());
        u.cluster = cluster;
        u.node = "nope";
        assertEquals("Node not undrained: no node named 'nope'", refused(u, "Node not undrained"));

        cluster.storeDown = true;
        d.node = "n2";
        assertContains(refused(d, "Node not drained"), "store unavailable", "(store-unavailable)");
        assertEquals(List.of(), cluster.changes);
        assertEquals(NodeState.ACTIVE, cluster.node("n2").orElseThrow().state());
    }

    @Test
    void completerOffersNodeIds() {
        NodeIdCompleter c = new NodeIdCompleter();
        List<String> candidates = new ArrayList<>();
        c.complete(null, new CommandsTest.StubLine(""), candidates);
        assertEquals(List.of(), candidates, "no service: nothing to offer, no failure");
        c.cluster = cluster;
        c.complete(null, new CommandsTest.StubLine("n"), candidates);
        assertEquals(List.of("n1", "n2", "n3"), candidates.stream().map(String::trim).sorted().toList());
    }
}
