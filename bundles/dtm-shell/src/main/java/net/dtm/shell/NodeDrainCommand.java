package net.dtm.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import net.dtm.api.ClusterService;
import net.dtm.api.NodeInfo;
import net.dtm.api.NodeState;

/**
 * {@code node:drain}: a node stops taking new devices; its devices move to the other nodes at
 * their next renewal. Refuses to drain the last active node unless forced.
 */
@Service
@Command(scope = "node", name = "drain", description = "Stops a node taking new devices (durable); its devices move to other "
        + "nodes at their next renewal. Refuses to drain the last active node unless --force")
public class NodeDrainCommand extends NodeCommand {

    @Argument(index = 0, name = "node", required = true, description = "Node id")
    @Completion(NodeIdCompleter.class)
    String node;

    @Option(name = "-f", aliases = "--force", description = "Drain even the last active node (new devices are then refused everywhere)")
    boolean force;

    @Override
    String refusal() {
        return "Node not drained";
    }

    @Override
    void run() throws Exception {
        ClusterService service = clusterService();
        NodeInfo target = service.node(node).orElseThrow(() -> refused("no node named '" + node + "'"));
        if (target.state() == NodeState.ACTIVE && !force) {
            long active = service.nodes().stream().filter(n -> n.state() == NodeState.ACTIVE).count();
            if (active <= 1) {
                throw refused(node + " is the last active node: no node would take new devices; use --force to drain it anyway");
            }
        }
        boolean changed = setDraining(service, node, true);
        out().println(changed ? "Node " + node + " draining: it takes no new devices; its devices move to other nodes at "
                + "their next renewal" : "Node " + node + " was already draining");
    }
}
