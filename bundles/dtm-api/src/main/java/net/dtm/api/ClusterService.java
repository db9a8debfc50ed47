package net.dtm.api;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The server nodes this node knows of, and the operator's drain switch. A standalone node is a
 * cluster of one.
 */
@ProviderType
public interface ClusterService {

    /** {@code standalone} or the cluster implementation, e.g. {@code zookeeper}. */
    String mode();

    /** This node. */
    NodeInfo local();

    /** All nodes, registered ones and those drained or known from an earlier record, by id. */
    List<NodeInfo> nodes();

    /** One node. */
    Optional<NodeInfo> node(String id);

    /**
     * This node's detail for {@code node:status}, as ordered name/value pairs, e.g. mode, store
     * connection, session, leader, degraded since, server list pushed to devices.
     */
    Map<String, String> status();

    /**
     * Stops (or with {@code draining} false, resumes) a node taking new devices. The flag is
     * durable: it survives the node's restart. The last active node is not drained: the same as
     * {@link #setDraining(String, boolean, boolean) setDraining(id, draining, false)}.
     *
     * @return false if the node already was in that state
     * @throws LastActiveNodeException  if {@code id} is the last active node and {@code draining} is true
     * @throws IllegalArgumentException if no node of that id is known
     * @throws DtmException             with {@code store-unavailable} if the flag cannot be stored now
     */
    default boolean setDraining(String id, boolean draining) {
        return setDraining(id, draining, false);
    }

    /**
     * Stops (or with {@code draining} false, resumes) a node taking new devices. The flag is
     * durable: it survives the node's restart. Draining the last active node is refused unless
     * {@code force}, as no node would take new devices: a node in state {@link NodeState#ACTIVE}
     * when no other node is {@code ACTIVE} or {@link NodeState#DEGRADED} (a degraded node takes new
     * devices again once its store is back). The check reads the cluster's view at the time of the
     * call: two drains asked at the same moment on two different nodes can both pass it.
     *
     * @param force drain even the last active node (new devices are then refused everywhere)
     * @return false if the node already was in that state
     * @throws LastActiveNodeException  if {@code id} is the last active node, {@code draining} is true
     *                                  and {@code force} false; nothing changed
     * @throws IllegalArgumentException if no node of that id is known
     * @throws DtmException             with {@code store-unavailable} if the flag cannot be stored now
     * @since 1.5
     */
    boolean setDraining(String id, boolean draining, boolean force);

    /**
     * Draining this node would leave no active node to take new devices.
     *
     * @since 1.5
     */
    final class LastActiveNodeException extends IllegalStateException {

        private static final long serialVersionUID = 1L;

        private final String node;

        /** @param node the last active node */
        public LastActiveNodeException(String node) {
            super(node + " is the last active node: no node would take new devices");
            this.node = node;
        }

        /** The last active node. */
        public String node() {
            return node;
        }
    }
}
