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
     * durable: it survives the node's restart.
     *
     * @return false if the node already was in that state
     * @throws IllegalArgumentException if no node of that id is known
     * @throws DtmException             with {@code store-unavailable} if the flag cannot be stored now
     */
    boolean setDraining(String id, boolean draining);
}
