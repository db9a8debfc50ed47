package net.dtm.spi.cluster;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * This node's membership in the cluster: registered as a service by a store that brings its own
 * cluster (its {@code LeaseStore} registration says {@code dtm.store.clustered=true}), else by the
 * standalone cluster (a cluster of one, always leader, always connected). Exactly one serves on a
 * node. Implementations are thread-safe; no method blocks longer than the store's connection
 * timeout.
 */
@ConsumerType
public interface Cluster {

    /** Service property naming the implementation, e.g. {@code standalone} or {@code zookeeper}. */
    String PROP_CLUSTER_TYPE = "dtm.cluster.type";

    /** {@code standalone}, {@code zookeeper}, ... */
    String type();

    /**
     * This node's id: the one identity of the node, which the server and the pool manager use
     * too. Implementations decide it from their configuration with {@link NodeIds#resolve}.
     */
    String nodeId();

    /**
     * Publishes this node's control endpoints (the server calls this once it is bound, and again
     * when they change) and registers the node if it is not registered yet.
     */
    void advertise(List<InetSocketAddress> endpoints);

    /** Publishes this node's served-lease count (called every few seconds; also its heartbeat). */
    void publish(long leasesServed);

    /** Every node with a record, registered or drained, by id. Served from a local view. */
    List<Member> members();

    /** Whether this node holds the housekeeping leadership now. */
    boolean isLeader();

    /**
     * Whether this node is connected to the store's quorum now, so it may create bindings.
     * False means degraded: new devices are refused, known leases are renewed without extension.
     */
    boolean isConnected();

    /**
     * Sets or clears a node's durable draining flag.
     *
     * @return false if it already had that value
     * @throws IllegalArgumentException if no node of that id has a record
     * @throws net.dtm.spi.store.StoreUnavailableException if not connected
     */
    boolean setDraining(String nodeId, boolean draining);

    /**
     * How far this node's clock is from the store's time, as last measured: the pool manager
     * compares stored expiry times with its own clock, so it reclaims nothing while this is
     * missing or too far off. Empty if not measured (yet), or if the implementation does not
     * measure it; a store on this machine answers a zero offset. Never blocks.
     *
     * @since 1.2
     */
    default Optional<ClockOffset> clockOffset() {
        return Optional.empty();
    }

    /** Implementation detail for {@code node:status}, e.g. connect string, session id, state. */
    Map<String, String> status();

    /** Calls {@code listener} (on a notification thread) whenever membership, leadership or the connection changes. */
    void addListener(Runnable listener);

    void removeListener(Runnable listener);
}
