package net.dtm.spi.cluster;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import net.dtm.api.HostPort;

/**
 * The node id rules, used by every {@link Cluster} implementation to decide this node's id from
 * its configuration: 1 to 64 characters of {@code A-Z a-z 0-9 . _ -}, neither {@code .} nor
 * {@code ..} (a node id names files and znodes); blank means the host name.
 */
public final class NodeIds {

    /** The key the pool manager and the server node read as the node id before the cluster decided it. */
    public static final String MOVED_KEY = "node.id";

    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private NodeIds() {
    }

    /** Whether {@code id} is a valid node id as it stands (not trimmed). */
    public static boolean isValid(String id) {
        return id != null && NODE_ID.matcher(id).matches() && !id.equals(".") && !id.equals("..");
    }

    /**
     * {@code id} if it is valid.
     *
     * @param what the setting, named in the error (e.g. {@code node.id})
     * @throws IllegalArgumentException saying what is wrong
     */
    public static String validate(String id, String what) {
        if (!isValid(id)) {
            throw new IllegalArgumentException(what + " '" + id + "': expected 1-64 characters of A-Z a-z 0-9 . _ -");
        }
        return id;
    }

    /**
     * This node's id from a configured value: the value trimmed, or the host name
     * ({@link HostPort#localNodeId()}) if it is absent or blank; validated either way.
     *
     * @param configured the configured value (may be null)
     * @param what       the setting, named in the error
     * @throws IllegalArgumentException if the result is not a valid node id
     */
    public static String resolve(Object configured, String what) {
        String id = configured == null ? "" : String.valueOf(configured).trim();
        return validate(id.isEmpty() ? HostPort.localNodeId() : id, what);
    }

    /**
     * The one WARN for an operator whose configuration {@code pid} still sets {@value #MOVED_KEY},
     * which that component no longer reads because the node id is the cluster's; empty if it does not.
     *
     * @param clusterNodeId the id the cluster decided, named in the warning
     */
    public static Optional<String> movedKeyWarning(String pid, Map<String, ?> properties, String clusterNodeId) {
        Object old = properties == null ? null : properties.get(MOVED_KEY);
        if (old == null || String.valueOf(old).isBlank()) {
            return Optional.empty();
        }
        return Optional.of(pid + " " + MOVED_KEY + " = '" + old + "' is no longer read: the node id "
                + "is the cluster's, '" + clusterNodeId + "' (set node.id in net.dtm.cluster.standalone for a standalone "
                + "node, in net.dtm.store.zookeeper for a cluster node, and remove it from " + pid + ")");
    }
}
