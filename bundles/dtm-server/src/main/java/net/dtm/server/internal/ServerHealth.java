package net.dtm.server.internal;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import net.dtm.api.Health;
import net.dtm.api.Health.Check;

/**
 * A server node's readiness, from what it knows already (no store round trip): {@code store} (a
 * pool manager runs over a selected store and the node is connected to the store's quorum),
 * {@code draining} (not drained by an operator) and {@code endpoint} (its UDP control endpoint is
 * bound). Whether the store answers and the pools are loaded is the pool manager's own health
 * (component {@code pool}); a process is ready when every component is.
 */
public final class ServerHealth {

    /** The component name reported. */
    public static final String COMPONENT = "server";

    /**
     * What a running node knows of itself.
     *
     * @param bound          its control endpoint's address
     * @param open           whether the endpoint is still bound
     * @param draining       whether an operator drained it
     * @param degradedSince  when it lost the store's quorum, empty while connected
     */
    public record Node(InetSocketAddress bound, boolean open, boolean draining, Optional<Instant> degradedSince) {
    }

    private ServerHealth() {
    }

    /**
     * @param node        the running node's state, empty if no node runs
     * @param poolManager whether the pool manager (over the selected store) runs
     */
    public static Health of(Optional<Node> node, boolean poolManager) {
        String notRunning = "server node not running (it needs the pool manager, the device registry and the cluster)";
        Check store;
        if (!poolManager) {
            store = new Check("store", false, "no pool manager: no store selected or the store is not running (see store:status)");
        } else if (node.isPresent() && node.get().degradedSince().isPresent()) {
            store = new Check("store", false, "not connected to the store's quorum since " + node.get().degradedSince().get());
        } else {
            store = new Check("store", true, "pool manager running over the store");
        }
        Check draining = node.map(n -> n.draining()
                        ? new Check("draining", false, "drained by an operator: takes no new devices (node:undrain)")
                        : new Check("draining", true, "not draining"))
                .orElse(new Check("draining", false, notRunning));
        Check endpoint = node.map(n -> n.open()
                        ? new Check("endpoint", true, "UDP " + host(n.bound()) + ":" + n.bound().getPort() + " bound")
                        : new Check("endpoint", false, "UDP endpoint closed"))
                .orElse(new Check("endpoint", false, notRunning));
        return new Health(COMPONENT, List.of(store, draining, endpoint));
    }

    private static String host(InetSocketAddress a) {
        return a.getAddress() != null && a.getAddress().isAnyLocalAddress() ? "*" : a.getHostString();
    }
}
