package net.dtm.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import net.dtm.api.ClusterService;

/**
 * {@code node:drain}: a node stops taking new devices; its devices move to the other nodes at
 * their next renewal. The cluster service refuses to drain the last active node unless forced.
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
        boolean changed;
        try {
            changed = setDraining(clusterService(), node, true, force);
        } catch (ClusterService.LastActiveNodeException e) {
            throw refused(e.getMessage() + "; use --force to drain it anyway");
        }
        out().println(changed ? "Node " + node + " draining: it takes no new devices; its devices move to other nodes at "
                + "their next renewal" : "Node " + node + " was already draining");
    }
}
