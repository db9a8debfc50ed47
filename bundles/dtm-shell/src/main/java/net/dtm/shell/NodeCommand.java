package net.dtm.shell;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.support.CommandException;

import net.dtm.api.ClusterService;
import net.dtm.api.NodeInfo;

/**
 * Common plumbing of the {@code node:} commands: the same one-line errors as the pool commands
 * (a refusal of the cluster service names its reason) and one row per node.
 */
abstract class NodeCommand extends PoolCommand {

    static final String CLUSTER = "The cluster service";

    @Reference(optional = true)
    ClusterService cluster;

    /** The cluster service, or the one-line error saying it is missing. */
    ClusterService clusterService() throws CommandException {
        return require(cluster, CLUSTER, FEATURE);
    }

    /** Sets a node's draining flag; a refusal of the service becomes this command's one-line error. @return whether it changed */
    boolean setDraining(ClusterService service, String node, boolean draining, boolean force) throws CommandException {
        if (service.node(node).isEmpty()) {
            throw refused("no node named '" + node + "'");
        }
        try {
            return service.setDraining(node, draining, force);
        } catch (IllegalArgumentException e) {
            throw refused(e.getMessage());
        }
    }

    /** A node's row, for the table and for JSON. */
    static Map<String, Object> row(NodeInfo n) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("node", n.id());
        r.put("site", n.site());
        r.put("state", n.state().name().toLowerCase(Locale.ROOT));
        r.put("leader", n.leader());
        r.put("leasesServed", n.leasesServed());
        r.put("lastSeen", time(n.lastSeen()));
        r.put("endpoints", endpoints(n.endpoints()));
        return r;
    }

    static List<String> endpoints(List<InetSocketAddress> endpoints) {
        return endpoints.stream().map(a -> (a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress())
                + ":" + a.getPort()).collect(Collectors.toList());
    }
}
