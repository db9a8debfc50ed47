package net.dtm.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import net.dtm.api.ClusterService;

/** {@code node:undrain}: a drained node takes new devices again. */
@Service
@Command(scope = "node", name = "undrain", description = "Lets a drained node take new devices again")
public class NodeUndrainCommand extends NodeCommand {

    @Argument(index = 0, name = "node", required = true, description = "Node id")
    @Completion(NodeIdCompleter.class)
    String node;

    @Override
    String refusal() {
        return "Node not undrained";
    }

    @Override
    void run() throws Exception {
        ClusterService service = clusterService();
        boolean changed = setDraining(service, node, false, false);
        out().println(changed ? "Node " + node + " takes new devices again" : "Node " + node + " was not draining");
    }
}
