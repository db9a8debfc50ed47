package net.dtm.api.fakes;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import net.dtm.api.ClusterService;
import net.dtm.api.NodeInfo;
import net.dtm.api.NodeState;

/** The cluster service over a map of nodes, refusing to drain the last active one unless forced. */
public final class FakeCluster implements ClusterService {
    public final Map<String, NodeInfo> nodes = new TreeMap<>();
    public int changes;

    public void add(String id, NodeState state, boolean leader) {
        nodes.put(id, new NodeInfo(id, "dc1", List.of(new InetSocketAddress("127.0.0.1", 4789)), state, leader, 12,
                FakePools.NOW));
    }

    @Override
    public String mode() {
        return "standalone";
    }

    @Override
    public NodeInfo local() {
        return nodes.values().iterator().next();
    }

    @Override
    public List<NodeInfo> nodes() {
        return List.copyOf(nodes.values());
    }

    @Override
    public Optional<NodeInfo> node(String id) {
        return Optional.ofNullable(nodes.get(id));
    }

    @Override
    public Map<String, String> status() {
        return Map.of("mode", "standalone");
    }

    @Override
    public boolean setDraining(String id, boolean draining, boolean force) {
        NodeInfo n = nodes.get(id);
        if (n == null) {
            throw new IllegalArgumentException("no node " + id);
        }
        if (draining && !force && n.state() == NodeState.ACTIVE && nodes.values().stream()
                .noneMatch(o -> !o.id().equals(id) && (o.state() == NodeState.ACTIVE || o.state() == NodeState.DEGRADED))) {
            throw new LastActiveNodeException(id);
        }
        NodeState target = draining ? NodeState.DRAINING : NodeState.ACTIVE;
        if (n.state() == target) {
            return false;
        }
        nodes.put(id, new NodeInfo(id, n.site(), n.endpoints(), target, n.leader(), n.leasesServed(), n.lastSeen()));
        changes++;
        return true;
    }
}
