package net.dtm.store.zookeeper;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.extension.RegisterExtension;

import net.dtm.cluster.tck.ClusterContract;
import net.dtm.spi.cluster.Cluster;

/**
 * The cluster contract against ZooKeeper: one test server for the class, a fresh namespace per
 * test; every node is a {@link ZkNode} of its own (its own client and session), a restart closes
 * the node and opens it again on the same namespace.
 */
class ZkClusterContractTest extends ClusterContract {

    @RegisterExtension
    static final ZkTesting.Server ZK = new ZkTesting.Server();
    private final Map<Cluster, ZkNode> nodes = new IdentityHashMap<>();
    private String namespace;

    private Cluster open(String nodeId) {
        ZkNode node = ZkNode.open(ZkTesting.settings(ZK.get(), namespace, nodeId));
        nodes.put(node.cluster(), node);
        return node.cluster();
    }

    @Override
    protected Cluster newCluster(String nodeId) {
        namespace = ZkTesting.freshNamespace();
        return open(nodeId);
    }

    @Override
    protected Cluster restart(Cluster current) throws Exception {
        close(current);
        return open(current.nodeId());
    }

    @Override
    protected Optional<Cluster> join(Cluster first, String nodeId) {
        return Optional.of(open(nodeId));
    }

    @Override
    protected void close(Cluster node) {
        ZkNode n = nodes.remove(node);
        if (n != null) {
            n.close();
        }
    }
}
